//! Client cards on both databases: create and edit (all or nothing), phones in one form,
//! search by phone fragment or name, duplicate phones flagged, role refusals.

use crate::helpers::on_each_backend;
use serde_json::{json, Value};

#[tokio::test]
async fn client_cards_are_created_searched_by_phone_or_name_and_edited() {
    on_each_backend(|app| async move {
        let (seller, _) = app.sign_in("seller1").await;
        let res = seller
            .post(app.url("/api/v1/clients"))
            .json(&json!({"name": "Иван Петров", "phones": ["8 (916) 123-45-67", "+7 495 000 11 22"],
                          "email": "ivan@example.ru", "notes": "Постоянный клиент", "consent": true}))
            .send()
            .await
            .expect("create");
        assert_eq!(res.status(), 201);
        let ivan: Value = res.json().await.expect("json");
        let id = ivan["id"].as_i64().expect("id");
        assert_eq!(ivan["phones"], json!(["79161234567", "74950001122"]));
        assert_eq!(ivan["created_by"], "Анна Смирнова");

        // By any fragment of a number, however it is typed, and by name in any case.
        for query in ["916", "8 916 123", "45-67", "495000", "петров", "ИВАН"] {
            let hits: Vec<Value> = seller
                .get(app.url(&format!("/api/v1/clients?query={}", urlencode(query))))
                .send()
                .await
                .expect("search")
                .json()
                .await
                .expect("json");
            assert_eq!(hits.len(), 1, "{query}");
            assert_eq!(hits[0]["id"], id, "{query}");
        }

        // A second card with the same phone is allowed, but the form sees who has it.
        let (status, owners) = app
            .server_fn(&seller, "clients/phone_owners", json!({"phones": ["89161234567", "12"], "except": null}))
            .await;
        assert_eq!(status, 200);
        assert_eq!(owners.as_array().expect("owners").len(), 1);
        assert_eq!(owners[0]["client_id"], id);
        assert_eq!(owners[0]["name"], "Иван Петров");
        let (_, own) = app
            .server_fn(&seller, "clients/phone_owners", json!({"phones": ["89161234567"], "except": id}))
            .await;
        assert_eq!(own, json!([]));
        let (status, wife) = app
            .server_fn(&seller, "clients/save", json!({"id": null, "input": {"name": "Мария Петрова", "phones": ["+79161234567"]}}))
            .await;
        assert_eq!(status, 200, "{wife}");
        let hits: Vec<Value> = seller
            .get(app.url("/api/v1/clients?query=9161234567"))
            .send()
            .await
            .expect("search")
            .json()
            .await
            .expect("json");
        assert_eq!(hits.len(), 2);

        // Edit: phones replaced, email changed; a bad email refuses the whole edit.
        let res = seller
            .put(app.url(&format!("/api/v1/clients/{id}")))
            .json(&json!({"name": "Иван Петров", "phones": ["+7 926 555-44-33"], "email": "ivan@mail.ru", "consent": false}))
            .send()
            .await
            .expect("edit");
        assert_eq!(res.status(), 200);
        let res = seller
            .put(app.url(&format!("/api/v1/clients/{id}")))
            .json(&json!({"name": "Другое", "phones": ["+7 926 555-44-33"], "email": "не почта"}))
            .send()
            .await
            .expect("edit");
        assert_eq!(res.status(), 422);
        let body: Value = res.json().await.expect("json");
        assert_eq!(body["error"]["field"], "email", "{body}");
        let card: Value = seller
            .get(app.url(&format!("/api/v1/clients/{id}")))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(card["name"], "Иван Петров");
        assert_eq!(card["phones"], json!(["79265554433"]));
        assert_eq!(card["email"], "ivan@mail.ru");
        assert_eq!(card["consent"], false);

        // Refusals: a bad phone, an unknown card, a storekeeper editing, a visitor.
        let res = seller
            .post(app.url("/api/v1/clients"))
            .json(&json!({"name": "Без номера", "phones": ["12-34"]}))
            .send()
            .await
            .expect("create");
        assert_eq!(res.status(), 422);
        let res = seller
            .get(app.url("/api/v1/clients/999999"))
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), 404);
        let (storekeeper, _) = app.sign_in("storekeeper1").await;
        let res = storekeeper
            .put(app.url(&format!("/api/v1/clients/{id}")))
            .json(&json!({"name": "X"}))
            .send()
            .await
            .expect("edit");
        assert_eq!(res.status(), 403);
        let res = app
            .client()
            .get(app.url("/api/v1/clients?query=916"))
            .send()
            .await
            .expect("search");
        assert_eq!(res.status(), 401);
        app
    })
    .await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
