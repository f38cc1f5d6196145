//! The campaign screens' words in English and Russian ([`crate::i18n::local_texts`]: they
//! travel in the campaign pages' own chunk of the bundle, not in the first screen's).

crate::i18n::local_texts! {
    Campaigns => "Email campaigns", "Email-рассылки";
    NewCampaign => "New campaign", "Новая рассылка";
    MailTemplates => "Mail templates", "Шаблоны писем";
    MailSettingsTitle => "Mail", "Почта";
    NoCampaigns => "No campaigns yet.", "Рассылок пока нет.";
    Name => "Name", "Название";
    Status => "Status", "Статус";
    Progress => "Progress", "Ход";
    Total => "Recipients", "Получателей";
    Queued => "In the queue", "В очереди";
    Sent => "Sent", "Отправлено";
    Failed => "Failed", "Ошибка";
    Bounced => "Bounced", "Возврат";
    Unsubscribed => "Unsubscribed", "Отписались";
    Cancelled => "Cancelled", "Отменено";
    Sending => "Sending", "Отправляется";
    StDraft => "Draft", "Черновик";
    StScheduled => "Scheduled", "Запланирована";
    StRunning => "Sending", "Идёт отправка";
    StPaused => "Paused", "Приостановлена";
    StFinished => "Finished", "Завершена";
    StCancelled => "Cancelled", "Отменена";
    Segment => "Who receives it", "Кому";
    SavedSegments => "Saved segment", "Сохранённый сегмент";
    ChooseSegment => "Choose…", "Выберите…";
    SaveSegmentAs => "Save the segment as", "Сохранить сегмент как";
    SaveSegment => "Save segment", "Сохранить сегмент";
    SegmentSaved => "Segment saved", "Сегмент сохранён";
    BoughtAt => "Bought at", "Покупали в";
    PurchasedFrom => "Bought from", "Покупки с";
    PurchasedTo => "to", "по";
    Category => "Bought in the category", "Покупали в категории";
    AnyCategory => "Any category", "Любая категория";
    MinSpent => "Spent at least, ₽", "Потратили не меньше, ₽";
    MaxSpent => "Spent at most, ₽", "Потратили не больше, ₽";
    InDebt => "Owe money", "Есть долг";
    MinDebt => "Owe at least, ₽", "Долг не меньше, ₽";
    LastOrderBefore => "Last order before", "Последний заказ до";
    LastOrderAfter => "Last order from", "Последний заказ с";
    HasEmail => "Email", "Email";
    ConsentLabel => "Consent to mailings", "Согласие на рассылки";
    Any => "Any", "Любой";
    Yes => "Yes", "Да";
    No => "No", "Нет";
    Matching => "Clients matching", "Подходит клиентов";
    Reachable => "will receive it (consent and an email)", "получат письмо (есть согласие и email)";
    Content => "The letter", "Письмо";
    Template => "Template", "Шаблон";
    OwnContent => "Write here", "Написать здесь";
    Subject => "Subject", "Тема";
    TextPart => "Plain text", "Текст";
    HtmlPart => "HTML (optional)", "HTML (необязательно)";
    Sender => "From (empty: the mail settings' sender)", "Отправитель (пусто — из настроек почты)";
    Schedule => "Send at (empty: when started)", "Отправить в (пусто — при запуске)";
    SaveDraft => "Save draft", "Сохранить черновик";
    Start => "Start sending", "Запустить";
    Pause => "Pause", "Приостановить";
    Resume => "Resume", "Продолжить";
    CancelCampaign => "Cancel the campaign", "Отменить рассылку";
    ConfirmCancel => "Cancel the campaign? What is still queued will not be sent.", "Отменить рассылку? Письма из очереди не будут отправлены.";
    ConfirmStart => "Start sending to every recipient of the segment?", "Запустить отправку всем получателям сегмента?";
    Recipients => "Recipients", "Получатели";
    AllStatuses => "All statuses", "Все статусы";
    Client => "Client", "Клиент";
    Email => "Email", "Email";
    SentAt => "Sent at", "Отправлено";
    Reply => "Server's reply", "Ответ сервера";
    More => "More", "Ещё";
    Preview => "Preview", "Предпросмотр";
    PreviewOn => "Preview for the client", "Предпросмотр для клиента";
    SampleClient => "A sample client", "Пример клиента";
    FindClient => "Find a client (name or phone)", "Найти клиента (имя или телефон)";
    TestTo => "Send a test to", "Отправить тест на";
    SendTest => "Send test", "Отправить тест";
    TestSent => "Test sent", "Тест отправлен";
    Placeholders => "Placeholders: {{ client.name }}, {{ client.email }}, {{ last_order.number }}, {{ last_order.date }}, {{ last_order.total }}, {{ balance }}, {{ debt }}, {{ shop.name }}, {{ shop.address }}, {{ company.name }}, {{ unsubscribe_url }}. The unsubscribe link is added at the end when the letter has none.", "Подстановки: {{ client.name }}, {{ client.email }}, {{ last_order.number }}, {{ last_order.date }}, {{ last_order.total }}, {{ balance }}, {{ debt }}, {{ shop.name }}, {{ shop.address }}, {{ company.name }}, {{ unsubscribe_url }}. Ссылка для отписки добавляется в конец, если её нет в письме.";
    NewTemplate => "New template", "Новый шаблон";
    Save => "Save", "Сохранить";
    Saved => "Saved", "Сохранено";
    Edit => "Edit", "Изменить";
    SmtpUrl => "SMTP server (smtp://host:25, smtp://host:587?tls=required, smtps://user:password@host:465)", "SMTP-сервер (smtp://host:25, smtp://host:587?tls=required, smtps://логин:пароль@host:465)";
    SmtpFromEnv => "from VITRINA_SMTP_URL", "из VITRINA_SMTP_URL";
    ClearSmtp => "Forget the saved server", "Забыть сохранённый сервер";
    MailFrom => "Sender (Shop <shop@example.ru>)", "Отправитель (Магазин <shop@example.ru>)";
    RatePerMinute => "Messages a minute at most", "Писем в минуту, не больше";
    Connections => "SMTP connections", "Соединений с SMTP";
    BounceToken => "Bounce webhook token (POST /api/v1/campaigns/bounces)", "Токен вебхука возвратов (POST /api/v1/campaigns/bounces)";
    TokenSet => "set", "задан";
    TokenUnset => "not set", "не задан";
    PublicUrl => "Unsubscribe links start with", "Ссылки отписки начинаются с";
    NotConfigured => "Mail is not configured: campaigns can be designed, but not sent.", "Почта не настроена: рассылки можно готовить, но не отправлять.";
    CardMail => "Mail", "Рассылки";
    CardNoCampaigns => "No campaigns received.", "Рассылок не получал(а).";
    CardUnsubscribed => "Unsubscribed", "Отписался(-ась)";
    CardFrom => "through", "через";
    CardInvalid => "The address does not accept mail", "Адрес не принимает почту";
    Created => "Created", "Создана";
    By => "by", "—";
}

/// The words of a campaign's status.
pub fn campaign_status(s: super::CampaignStatus) -> T {
    use super::CampaignStatus::*;
    match s {
        Draft => T::StDraft,
        Scheduled => T::StScheduled,
        Running => T::StRunning,
        Paused => T::StPaused,
        Finished => T::StFinished,
        Cancelled => T::StCancelled,
    }
}

/// The words of a recipient's status.
pub fn recipient_status(s: super::RecipientStatus) -> T {
    use super::RecipientStatus::*;
    match s {
        Queued => T::Queued,
        Sending => T::Sending,
        Sent => T::Sent,
        Failed => T::Failed,
        Bounced => T::Bounced,
        Unsubscribed => T::Unsubscribed,
        Cancelled => T::Cancelled,
    }
}
