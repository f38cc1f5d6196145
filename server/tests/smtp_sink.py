"""A real SMTP server for the campaign tests and benchmark (aiosmtpd, on loopback).

    python3 smtp_sink.py PORT OUT_FILE [DELAY_MS] [PARENT_PID]

Every message it accepts is appended to OUT_FILE as one JSON line
{"from", "to": [...], "data": "<the message as received>"}, written before the server
answers 250, so a message the file holds is one the sender was told was taken.
A recipient whose address contains "reject" is refused at RCPT with 550 (a permanent
failure). DELAY_MS makes every DATA take that long (a slow provider). It prints
"ready <port>" once it listens, and runs until killed (or until PARENT_PID is gone).
"""

import asyncio
import json
import os
import sys
import time
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, delay):
        self.out = out
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "reject" in address:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay / 1000.0)
        line = json.dumps(
            {
                "from": envelope.mail_from,
                "to": envelope.rcpt_tos,
                "data": envelope.content.decode("utf-8", "replace"),
            }
        )
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
        return "250 2.0.0 Ok: queued"


def main():
    port = int(sys.argv[1])
    out = sys.argv[2]
    delay = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    parent = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    controller = Controller(
        Sink(out, delay), hostname="127.0.0.1", port=port, decode_data=False,
        data_size_limit=10 * 1024 * 1024,
    )
    controller.start()
    print("ready %d" % port, flush=True)
    try:
        if parent:
            while os.path.exists("/proc/%d" % parent):
                time.sleep(1)
        else:
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
