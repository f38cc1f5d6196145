//! Documents on both databases: so far the company's requisites.

use crate::helpers::on_each_backend;
use serde_json::json;

#[tokio::test]
async fn the_admin_keeps_the_company_requisites_and_bad_numbers_are_refused() {
    on_each_backend(|app| async move {
        let (admin, _) = app.sign_in("admin").await;
        let (seller, _) = app.sign_in("seller1").await;
        let company = json!({"name": "ООО «Витрина Ритейл»", "legal_address": "Москва, ул. Тверская, 7",
            "inn": "7707 083893", "kpp": "770701001", "ogrn": "1027700132195", "bank": "ПАО Сбербанк",
            "bik": "044525225", "account": "40702810938000000001", "corr_account": "30101810400000000225",
            "director": "С. П. Орлов", "accountant": "М. Бухгалтер", "phone": "+7 495 000-00-00", "email": "office@vitrina.example"});
        let (status, saved) = app.server_fn(&admin, "company/save", json!({"input": company})).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(saved["inn"], "7707083893");
        // Everyone reads them (they are printed on every document); only admins change them.
        let (status, read) = app.server_fn(&seller, "company/get", json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(read["name"], "ООО «Витрина Ритейл»");
        let (status, _) = app.server_fn(&seller, "company/save", json!({"input": company})).await;
        assert_eq!(status, 403);
        let mut bad = company.clone();
        bad["bik"] = json!("04452522");
        let (status, refused) = app.server_fn(&admin, "company/save", json!({"input": bad})).await;
        assert_eq!((status, refused["field"].clone()), (422, json!("bik")), "{refused}");
        let (_, same) = app.server_fn(&admin, "company/get", json!({})).await;
        assert_eq!(same["bik"], "044525225");
        app
    })
    .await;
}
