//! Chats and comment feeds on both databases: membership refusals, paging, search,
//! unread counts and notifications, edits and deletion, limits, attachments, and
//! comments that follow the visibility of their record.

use crate::helpers::{on_each_backend, TestApp};
use crate::stock::{location_id, product_with_stock};
use serde_json::{json, Value};

async fn new_chat(app: &TestApp, client: &reqwest::Client, title: &str, members: &[i64]) -> i64 {
    let (status, chat) = app
        .server_fn(
            client,
            "chat/create",
            json!({"input": {"title": title, "member_ids": members}}),
        )
        .await;
    assert_eq!(status, 200, "{chat}");
    chat["id"].as_i64().expect("chat id")
}

async fn post(app: &TestApp, client: &reqwest::Client, chat: i64, body: &str) -> (u16, Value) {
    app.server_fn(
        client,
        "chat/post",
        json!({"chat_id": chat, "input": {"body": body}}),
    )
    .await
}

async fn inbox(app: &TestApp, client: &reqwest::Client) -> Value {
    let (status, inbox) = app
        .server_fn(client, "notifications/inbox", json!({}))
        .await;
    assert_eq!(status, 200, "{inbox}");
    inbox
}

#[tokio::test]
async fn private_chats_are_for_members_only() {
    on_each_backend(|app| async move {
        let (seller1, _) = app.sign_in("seller1").await;
        let (seller2, _) = app.sign_in("seller2").await;
        let (seller3, _) = app.sign_in("seller3").await;
        let s2 = app.id_of_employee("seller2").await;
        let chat = new_chat(&app, &seller1, "Тверская и Арбат", &[s2]).await;
        let (status, _) = post(
            &app,
            &seller1,
            chat,
            "Есть ли у вас дрель секретная-модель?",
        )
        .await;
        assert_eq!(status, 200);
        let (status, page) = app
            .server_fn(
                &seller2,
                "chat/history",
                json!({"chat_id": chat, "before": null}),
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(
            page["messages"][0]["body"],
            "Есть ли у вас дрель секретная-модель?"
        );
        // Not a member: no history, no posting, no read mark, no members change, no
        // search hit, and the chat is not in their list.
        for (name, args) in [
            ("chat/history", json!({"chat_id": chat, "before": null})),
            (
                "chat/post",
                json!({"chat_id": chat, "input": {"body": "я тоже тут"}}),
            ),
            ("chat/read", json!({"chat_id": chat, "up_to": null})),
            ("chat/members", json!({"chat_id": chat, "member_ids": [s2]})),
        ] {
            let (status, body) = app.server_fn(&seller3, name, args).await;
            assert_eq!(status, 403, "{name}: {body}");
        }
        let res = seller3
            .get(app.url(&format!("/api/v1/chats/{chat}/messages")))
            .send()
            .await
            .expect("rest");
        assert_eq!(res.status().as_u16(), 403);
        let (_, hits) = app
            .server_fn(&seller3, "chat/search", json!({"query": "секретная"}))
            .await;
        assert_eq!(hits, json!([]));
        let (_, hits) = app
            .server_fn(&seller2, "chat/search", json!({"query": "СЕКРЕТНАЯ"}))
            .await;
        assert_eq!(hits.as_array().map(Vec::len), Some(1), "{hits}");
        let (_, list) = app.server_fn(&seller3, "chat/list", json!({})).await;
        assert!(list
            .as_array()
            .expect("list")
            .iter()
            .all(|c| c["id"] != chat));
        // A member who is not the creator can't change the members; the creator removes
        // seller2, who can no longer read it.
        let (status, _) = app
            .server_fn(
                &seller2,
                "chat/members",
                json!({"chat_id": chat, "member_ids": []}),
            )
            .await;
        assert_eq!(status, 403);
        let s3 = app.id_of_employee("seller3").await;
        let (status, changed) = app
            .server_fn(
                &seller1,
                "chat/members",
                json!({"chat_id": chat, "member_ids": [s3]}),
            )
            .await;
        assert_eq!(status, 200, "{changed}");
        let (status, _) = app
            .server_fn(
                &seller2,
                "chat/history",
                json!({"chat_id": chat, "before": null}),
            )
            .await;
        assert_eq!(status, 403);
        // Nor do they keep what it said in their notifications.
        let theirs = inbox(&app, &seller2).await;
        let link = format!("/chat/{chat}");
        assert!(
            theirs["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|n| n["link"] != link.as_str()),
            "{theirs}"
        );
        let (status, _) = app
            .server_fn(
                &seller3,
                "chat/history",
                json!({"chat_id": chat, "before": null}),
            )
            .await;
        assert_eq!(status, 200);
        // Unknown chat: 404.
        let (status, _) = app
            .server_fn(
                &seller1,
                "chat/history",
                json!({"chat_id": 999_999, "before": null}),
            )
            .await;
        assert_eq!(status, 404);
        app
    })
    .await;
}

#[tokio::test]
async fn history_pages_back_from_the_newest() {
    on_each_backend(|app| async move {
        let (seller1, _) = app.sign_in("seller1").await;
        let s1 = app.id_of_employee("seller1").await;
        let s2 = app.id_of_employee("seller2").await;
        let chat = new_chat(&app, &seller1, "Архив", &[s2]).await;
        // 120 messages written straight to the table (posting is flood-limited).
        for i in 0..120 {
            sqlx::query(
                "INSERT INTO message (chat_id, author_id, body, body_fold, created_at) VALUES ($1, $2, $3, $3, $4)",
            )
            .bind(chat)
            .bind(s1)
            .bind(format!("сообщение {i}"))
            .bind(1_700_000_000_000_i64 + i)
            .execute(&app.db.pool)
            .await
            .expect("insert");
        }
        // 120 unread for seller2, counted up to 100 (the list shows 99+).
        let (seller2, _) = app.sign_in("seller2").await;
        let (_, list) = app.server_fn(&seller2, "chat/list", json!({})).await;
        let unread = list.as_array().expect("list").iter().find(|c| c["id"] == chat).map(|c| c["unread"].clone());
        assert_eq!(unread, Some(json!(100)));
        let page = |before: Value| {
            let seller1 = seller1.clone();
            let app = &app;
            async move {
                let (status, page) = app
                    .server_fn(&seller1, "chat/history", json!({"chat_id": chat, "before": before}))
                    .await;
                assert_eq!(status, 200, "{page}");
                page
            }
        };
        let first = page(Value::Null).await;
        let bodies = |p: &Value| -> Vec<String> {
            p["messages"].as_array().expect("messages").iter().map(|m| m["body"].as_str().unwrap_or_default().to_string()).collect()
        };
        assert_eq!(bodies(&first).len(), 50);
        assert_eq!(bodies(&first)[0], "сообщение 70");
        assert_eq!(bodies(&first)[49], "сообщение 119");
        assert_eq!(first["more"], true);
        let second = page(first["messages"][0]["id"].clone()).await;
        assert_eq!(bodies(&second)[0], "сообщение 20");
        assert_eq!(bodies(&second)[49], "сообщение 69");
        let third = page(second["messages"][0]["id"].clone()).await;
        assert_eq!(bodies(&third).len(), 20);
        assert_eq!(bodies(&third)[0], "сообщение 0");
        assert_eq!(third["more"], false);
        // REST: the same page with a limit.
        let res = seller1
            .get(app.url(&format!("/api/v1/chats/{chat}/messages?limit=5")))
            .send()
            .await
            .expect("rest");
        assert_eq!(res.status().as_u16(), 200);
        let rest: Value = res.json().await.expect("json");
        assert_eq!(bodies(&rest), vec!["сообщение 115", "сообщение 116", "сообщение 117", "сообщение 118", "сообщение 119"]);
        app
    })
    .await;
}

#[tokio::test]
async fn unread_counts_mentions_and_message_notifications() {
    on_each_backend(|app| async move {
        let (seller1, _) = app.sign_in("seller1").await;
        let (seller2, _) = app.sign_in("seller2").await;
        let s2 = app.id_of_employee("seller2").await;
        let chat = new_chat(&app, &seller1, "", &[s2]).await;
        for text in ["раз", "два", "три"] {
            let (status, _) = post(&app, &seller1, chat, text).await;
            assert_eq!(status, 200);
        }
        let unread = |list: &Value, id: i64| {
            list.as_array()
                .expect("list")
                .iter()
                .find(|c| c["id"] == id)
                .map(|c| c["unread"].clone())
        };
        let (_, list) = app.server_fn(&seller2, "chat/list", json!({})).await;
        assert_eq!(unread(&list, chat), Some(json!(3)));
        // The sender has nothing unread of their own.
        let (_, list) = app.server_fn(&seller1, "chat/list", json!({})).await;
        assert_eq!(unread(&list, chat), Some(json!(0)));
        // One message notification for the chat, refreshed, not three.
        let before = inbox(&app, &seller2).await;
        let messages: Vec<&Value> = before["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|n| n["kind"] == "message")
            .collect();
        assert_eq!(messages.len(), 1, "{before}");
        assert_eq!(messages[0]["detail"], "три");
        // A mention in the general chat.
        let (_, list) = app.server_fn(&seller1, "chat/list", json!({})).await;
        let general = list[0]["id"].as_i64().expect("general");
        assert_eq!(list[0]["kind"], "general");
        let (status, _) = post(&app, &seller1, general, "@seller2 посмотри остатки").await;
        assert_eq!(status, 200);
        let after = inbox(&app, &seller2).await;
        assert!(
            after["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|n| n["kind"] == "mention" && n["link"] == format!("/chat/{general}")),
            "{after}"
        );
        // Reading the chat clears its count and its message notification.
        let (status, _) = app
            .server_fn(
                &seller2,
                "chat/read",
                json!({"chat_id": chat, "up_to": null}),
            )
            .await;
        assert_eq!(status, 200);
        let (_, list) = app.server_fn(&seller2, "chat/list", json!({})).await;
        assert_eq!(unread(&list, chat), Some(json!(0)));
        let read = inbox(&app, &seller2).await;
        assert!(
            read["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter(|n| n["kind"] == "message")
                .all(|n| n["read"] == true),
            "{read}"
        );
        assert_eq!(
            read["unread"].as_i64(),
            after["unread"].as_i64().map(|n| n - 1)
        );
        app
    })
    .await;
}

#[tokio::test]
async fn own_messages_are_edited_and_deleted_and_limits_hold() {
    on_each_backend(|app| async move {
        let (seller1, _) = app.sign_in("seller1").await;
        let (seller2, _) = app.sign_in("seller2").await;
        let general = 1;
        let (_, first) = post(&app, &seller1, general, "первое").await;
        let id = first["id"].as_i64().expect("id");
        let (status, edited) = app
            .server_fn(
                &seller1,
                "chat/edit",
                json!({"id": id, "body": "первое (исправлено)"}),
            )
            .await;
        assert_eq!(status, 200);
        assert!(edited["edited_at"].is_i64());
        let (status, _) = app
            .server_fn(&seller2, "chat/edit", json!({"id": id, "body": "чужое"}))
            .await;
        assert_eq!(status, 403);
        let (status, _) = app
            .server_fn(&seller2, "chat/delete", json!({"id": id}))
            .await;
        assert_eq!(status, 403);
        // A reply, then the original is deleted: it shows as deleted, and so does the quote.
        let (status, reply) = app
            .server_fn(
                &seller2,
                "chat/post",
                json!({"chat_id": general, "input": {"body": "ответ", "reply_to_id": id}}),
            )
            .await;
        assert_eq!(status, 200, "{reply}");
        assert_eq!(reply["reply_to"]["body"], "первое (исправлено)");
        let (status, _) = app
            .server_fn(&seller1, "chat/delete", json!({"id": id}))
            .await;
        assert_eq!(status, 200);
        // A deleted message is no longer quoted in notifications.
        let (status, said) = post(&app, &seller1, general, "@seller2 секретный код 4711").await;
        assert_eq!(status, 200);
        let (status, _) = app
            .server_fn(&seller1, "chat/delete", json!({"id": said["id"]}))
            .await;
        assert_eq!(status, 200);
        let theirs = inbox(&app, &seller2).await;
        assert!(!theirs.to_string().contains("4711"), "{theirs}");
        let (_, page) = app
            .server_fn(
                &seller2,
                "chat/history",
                json!({"chat_id": general, "before": null}),
            )
            .await;
        let msgs = page["messages"].as_array().expect("messages");
        let gone = msgs.iter().find(|m| m["id"] == id).expect("deleted one");
        assert_eq!(
            (gone["deleted"].clone(), gone["body"].clone()),
            (json!(true), json!(""))
        );
        let answer = msgs.iter().find(|m| m["id"] == reply["id"]).expect("reply");
        assert_eq!(answer["reply_to"]["body"], "");
        let (status, body) = app
            .server_fn(&seller1, "chat/edit", json!({"id": id, "body": "воскрес"}))
            .await;
        assert_eq!(status, 409, "{body}");
        // Bad input: empty, too long, a reply to another chat's message.
        let (status, body) = post(&app, &seller1, general, "   ").await;
        assert_eq!((status, body["field"].clone()), (422, json!("message")));
        let (status, body) = post(&app, &seller1, general, &"я".repeat(4001)).await;
        assert_eq!((status, body["problem"].clone()), (422, json!("too_long")));
        let s2 = app.id_of_employee("seller2").await;
        let other = new_chat(&app, &seller1, "другой", &[s2]).await;
        let (status, _) = app
            .server_fn(
                &seller1,
                "chat/post",
                json!({"chat_id": other, "input": {"body": "x", "reply_to_id": reply["id"]}}),
            )
            .await;
        assert_eq!(status, 422);
        // A flood is cut off with 429 and a translated reason.
        let mut refused = 0;
        for i in 0..25 {
            let (status, body) = post(&app, &seller2, general, &format!("флуд {i}")).await;
            if status == 429 {
                assert_eq!(body["code"], "too_many_messages");
                refused += 1;
            }
        }
        assert!(refused >= 3, "refused {refused}");
        app
    })
    .await;
}

#[tokio::test]
async fn attachments_are_read_only_where_they_are_attached() {
    on_each_backend(|app| async move {
        let (seller1, _) = app.sign_in("seller1").await;
        let (seller2, _) = app.sign_in("seller2").await;
        let (seller3, _) = app.sign_in("seller3").await;
        let upload =
            |client: reqwest::Client, name: &'static str, mime: &'static str, data: Vec<u8>| {
                let url = app.url("/api/v1/attachments");
                async move {
                    let res = client
                        .post(url)
                        .header("content-type", mime)
                        .header("x-file-name", name)
                        .body(data)
                        .send()
                        .await
                        .expect("upload");
                    let status = res.status().as_u16();
                    (status, res.json::<Value>().await.unwrap_or(Value::Null))
                }
            };
        let png = vec![0x89, b'P', b'N', b'G', 13, 10, 26, 10, 0, 0, 0, 0];
        let (status, image) = upload(
            seller1.clone(),
            "%D1%84%D0%BE%D1%82%D0%BE.png",
            "image/png",
            png.clone(),
        )
        .await;
        assert_eq!(status, 201, "{image}");
        assert_eq!(
            (image["name"].clone(), image["size"].clone()),
            (json!("фото.png"), json!(12))
        );
        let (status, page) = upload(
            seller1.clone(),
            "evil.html",
            "text/html",
            b"<script>alert(1)</script>".to_vec(),
        )
        .await;
        assert_eq!(status, 201);
        let s2 = app.id_of_employee("seller2").await;
        let chat = new_chat(&app, &seller1, "фото", &[s2]).await;
        for a in [&image, &page] {
            let (status, m) = app
                .server_fn(
                    &seller1,
                    "chat/post",
                    json!({"chat_id": chat, "input": {"body": "", "attachment_id": a["id"]}}),
                )
                .await;
            assert_eq!(status, 200, "{m}");
        }
        // Someone else's upload can't be attached; nor the same one twice.
        let (status, _) = app
            .server_fn(
                &seller2,
                "chat/post",
                json!({"chat_id": chat, "input": {"body": "моё", "attachment_id": image["id"]}}),
            )
            .await;
        assert_eq!(status, 422);
        let get = |client: &reqwest::Client, a: &Value| {
            client
                .get(app.url(&format!("/api/v1/attachments/{}", a["id"])))
                .send()
        };
        let res = get(&seller2, &image).await.expect("get");
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(res.headers()["content-type"], "image/png");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert_eq!(res.bytes().await.expect("bytes").to_vec(), png);
        // HTML is never served as HTML.
        let res = get(&seller2, &page).await.expect("get");
        assert_eq!(res.headers()["content-type"], "application/octet-stream");
        assert!(res.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment"));
        // Not a member: 403.
        assert_eq!(
            get(&seller3, &image).await.expect("get").status().as_u16(),
            403
        );
        // Too big: refused before it is stored.
        let (status, _) = upload(
            seller1.clone(),
            "big.bin",
            "application/octet-stream",
            vec![0; 6 * 1024 * 1024],
        )
        .await;
        assert_eq!(status, 413);
        let (status, body) = upload(seller1.clone(), "empty.txt", "text/plain", Vec::new()).await;
        assert_eq!(status, 422, "{body}");
        app
    })
    .await;
}

#[tokio::test]
async fn comments_follow_the_visibility_of_their_record() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let shop = location_id(&app, "Тверская").await;
        let item = product_with_stock(&app, &admin, "COM-1", &[(shop, "2")]).await;
        let (seller1, _) = app.sign_in("seller1").await;
        let (_, order) = app
            .server_fn(&seller1, "orders/create", json!({"input": {"fulfilment": "pickup",
                "lines": [{"product_id": item, "location_id": shop, "qty": "1"}]}}))
            .await;
        let order_id = order["id"].as_i64().expect("order");
        // The director mentions the Kazan seller (who can't see the order) and the
        // accountant (who can): refused, naming the one who would never be told; without
        // that mention it goes through.
        let (director, _) = app.sign_in("director").await;
        let res = director
            .post(app.url("/api/v1/comments"))
            .json(&json!({"record_kind": "order", "record_id": order_id, "body": "@seller3 @accountant проверьте оплату"}))
            .send()
            .await
            .expect("comment");
        assert_eq!(res.status().as_u16(), 422);
        let refused: Value = res.json().await.expect("json");
        assert_eq!(refused["error"]["code"], "mention_cant_see");
        assert!(refused["error"]["names"].as_str().unwrap_or("").contains("@seller3"), "{refused}");
        let res = director
            .post(app.url("/api/v1/comments"))
            .json(&json!({"record_kind": "order", "record_id": order_id, "body": "@accountant проверьте оплату"}))
            .send()
            .await
            .expect("comment");
        assert_eq!(res.status().as_u16(), 201);
        let (accountant, _) = app.sign_in("accountant").await;
        let (seller3, _) = app.sign_in("seller3").await;
        let link = format!("/orders/{order_id}");
        let has = |inbox: &Value, kind: &str| inbox["items"].as_array().expect("items").iter().any(|n| n["kind"] == kind && n["link"] == link);
        assert!(has(&inbox(&app, &accountant).await, "mention"));
        assert!(!has(&inbox(&app, &seller3).await, "mention"));
        // The order's manager hears of the comment.
        assert!(has(&inbox(&app, &seller1).await, "comment"));
        let (status, _) = app
            .server_fn(&seller3, "comments/list", json!({"record_kind": "order", "record_id": order_id}))
            .await;
        assert_eq!(status, 403);
        let (status, _) = app
            .server_fn(&seller3, "comments/add", json!({"input": {"record_kind": "order", "record_id": order_id, "body": "я вижу?"}}))
            .await;
        assert_eq!(status, 403);
        // The accountant answers; the director (a follower now) is told.
        let (status, answer) = app
            .server_fn(&accountant, "comments/add", json!({"input": {"record_kind": "order", "record_id": order_id, "body": "Оплата пришла"}}))
            .await;
        assert_eq!(status, 200, "{answer}");
        assert!(has(&inbox(&app, &director).await, "comment"));
        let (_, feed) = app
            .server_fn(&seller1, "comments/list", json!({"record_kind": "order", "record_id": order_id}))
            .await;
        let bodies: Vec<&str> = feed.as_array().expect("feed").iter().map(|c| c["body"].as_str().unwrap_or_default()).collect();
        assert_eq!(bodies, vec!["@accountant проверьте оплату", "Оплата пришла"]);
        // Only the author edits or deletes.
        let (status, _) = app.server_fn(&seller1, "comments/change", json!({"id": answer["id"], "body": "нет"})).await;
        assert_eq!(status, 403);
        let (status, edited) = app.server_fn(&accountant, "comments/change", json!({"id": answer["id"], "body": "Оплата пришла, 1500 ₽"})).await;
        assert_eq!(status, 200);
        assert!(edited["edited_at"].is_i64());
        let (status, _) = app.server_fn(&accountant, "comments/change", json!({"id": answer["id"], "body": null})).await;
        assert_eq!(status, 200);
        // Comments on clients and tasks; an unknown record is 404.
        let (_, client) = app.server_fn(&seller1, "clients/save", json!({"id": null, "input": {"name": "Комментируемый"}})).await;
        let (status, _) = app
            .server_fn(&seller3, "comments/add", json!({"input": {"record_kind": "client", "record_id": client["id"], "body": "Постоянный клиент"}}))
            .await;
        assert_eq!(status, 200);
        let (status, _) = app
            .server_fn(&seller3, "comments/list", json!({"record_kind": "task", "record_id": 999_999}))
            .await;
        assert_eq!(status, 404);
        app
    })
    .await;
}
