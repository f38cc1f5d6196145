//! The translation layer: every string the UI shows is a [`Key`] rendered in the
//! current [`Lang`].
//!
//! Keys are an enum, so a missing translation is a compile error, not a blank on screen.
//! The language comes from the `lang` cookie when the user picked one, otherwise from the
//! browser's `Accept-Language`; the server renders `<html lang=…>` with it and the browser
//! reads that attribute back when it hydrates, so both sides agree.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Field, Problem};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Ru,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().get(..2).map(str::to_ascii_lowercase).as_deref() {
            Some("en") => Some(Lang::En),
            Some("ru") | Some("uk") | Some("be") | Some("kk") => Some(Lang::Ru),
            _ => None,
        }
    }

    /// Picks the language from a `lang=` cookie, else the first supported language
    /// in an `Accept-Language` header (in the client's order of preference), else English.
    pub fn negotiate(cookie_header: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = cookie_header
            .and_then(|c| cookie_value(c, LANG_COOKIE))
            .and_then(Lang::from_code)
        {
            return lang;
        }
        let mut best: Option<(Lang, f32)> = None;
        for part in accept_language.unwrap_or("").split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("");
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(tag) {
                if best.is_none_or(|(_, bq)| q > bq) {
                    best = Some((lang, q));
                }
            }
        }
        best.map(|(l, _)| l).unwrap_or_default()
    }

    /// [`Lang::negotiate`] on a request's `Cookie` and `Accept-Language` headers.
    pub fn of_request(headers: &http::HeaderMap) -> Lang {
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        Lang::negotiate(
            header(http::header::COOKIE),
            header(http::header::ACCEPT_LANGUAGE),
        )
    }
}

pub const LANG_COOKIE: &str = "lang";

/// Value of one cookie in a `Cookie:` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// The current language signal, provided by the App root.
pub fn use_lang() -> RwSignal<Lang> {
    expect_context::<RwSignal<Lang>>()
}

/// A reactive translated string, usable as a view child or an attribute value.
pub fn t(key: Key) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
    let lang = use_lang();
    move || key.text(lang.get())
}

macro_rules! keys {
    ($($key:ident => $en:expr, $ru:expr;)*) => {
        /// Every UI string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key { $($key),* }

        impl Key {
            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Key::$key, Lang::En) => $en, (Key::$key, Lang::Ru) => $ru,)*
                }
            }
            #[cfg(test)]
            pub const ALL: &'static [Key] = &[$(Key::$key),*];
        }
    };
}

/// The words of one group of lazy pages, kept beside them so that they travel in that
/// group's chunk of the bundle, not in the first screen's module (`Key::text` is there,
/// and it has no room to spare). Makes `enum T`, `T::text` and a reactive `tr`.
macro_rules! local_texts {
    ($($key:ident => $en:expr, $ru:expr;)*) => {
        /// Every string of these screens.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[allow(clippy::enum_variant_names)]
        pub enum T { $($key),* }

        impl T {
            pub fn text(self, lang: $crate::i18n::Lang) -> &'static str {
                match (self, lang) {
                    $((T::$key, $crate::i18n::Lang::En) => $en, (T::$key, $crate::i18n::Lang::Ru) => $ru,)*
                }
            }
        }

        /// A reactive translated string.
        pub fn tr(key: T) -> impl Fn() -> &'static str + Clone + Send + Sync + 'static {
            let lang = $crate::i18n::use_lang();
            move || key.text(leptos::prelude::Get::get(&lang))
        }
    };
}
pub(crate) use local_texts;

keys! {
    AppName => "Vitrina", "Витрина";
    NavHome => "Home", "Главная";
    NavStock => "Stock", "Склад";
    NavOrders => "Orders", "Заказы";
    NavClients => "Clients", "Клиенты";
    NavChat => "Chat", "Чат";
    NavDocuments => "Documents", "Документы";
    NavReports => "Reports", "Отчёты";
    NavSettings => "Settings", "Настройки";
    Menu => "Menu", "Меню";
    Language => "Language", "Язык";
    SignOut => "Sign out", "Выйти";
    SignIn => "Sign in", "Войти";
    SignInTitle => "Sign in to Vitrina", "Вход в Витрину";
    Login => "Login", "Логин";
    Password => "Password", "Пароль";
    SigningIn => "Signing in…", "Входим…";
    Online => "Online", "В сети";
    Live => "Live", "Онлайн";
    Offline => "Reconnecting…", "Переподключение…";
    NoNetwork => "Offline", "Нет сети";
    QueueSending => "Sending what was saved offline", "Отправляем сохранённое без сети";
    QueueWaiting => "operations waiting: {n}", "ожидают отправки: {n}";
    ConflictElsewhere => "Another location or alternative", "Другой магазин или аналог";
    ConflictRetry => "Try again", "Повторить";
    QueuedOffline => "No network: saved on this tablet, it will be sent when the network is back.", "Нет сети: сохранено на планшете и будет отправлено, когда сеть вернётся.";
    StaleAvailability => "No network: figures as of {time} ({min} min ago)", "Нет сети: данные на {time} ({min} мин назад)";
    ReservedNotice => "Reserved", "Зарезервировано";
    Loading => "Loading…", "Загрузка…";
    Welcome => "Welcome", "Добро пожаловать";
    YourShop => "Your location", "Ваша точка";
    NoHomeLocation => "No home location", "Точка не назначена";
    Locations => "Locations", "Точки и склады";
    Employees => "Employees", "Сотрудники";
    ApiTokens => "API tokens", "API-токены";
    Name => "Name", "Название";
    PersonName => "Full name", "ФИО";
    Kind => "Type", "Тип";
    City => "City", "Город";
    Address => "Address", "Адрес";
    Latitude => "Latitude", "Широта";
    Longitude => "Longitude", "Долгота";
    Role => "Role", "Роль";
    HomeLocation => "Home location", "Точка";
    Status => "Status", "Статус";
    Active => "Active", "Активен";
    Inactive => "Deactivated", "Деактивирован";
    Actions => "Actions", "Действия";
    Create => "Create", "Создать";
    Save => "Save", "Сохранить";
    Edit => "Edit", "Изменить";
    Cancel => "Cancel", "Отмена";
    Deactivate => "Deactivate", "Деактивировать";
    Activate => "Activate", "Активировать";
    NewLocation => "New location", "Новая точка";
    NewEmployee => "New employee", "Новый сотрудник";
    EditLocation => "Edit location", "Изменение точки";
    EditEmployee => "Edit employee", "Изменение сотрудника";
    NewPasswordHint => "Leave empty to keep the current password", "Оставьте пустым, чтобы не менять пароль";
    Saved => "Saved", "Сохранено";
    KindShop => "Shop", "Магазин";
    KindWarehouse => "Warehouse", "Склад";
    RoleAdmin => "Administrator", "Администратор";
    RoleDirector => "Director", "Директор";
    RoleAccountant => "Accountant", "Бухгалтер";
    RoleManager => "Manager (seller)", "Менеджер (продавец)";
    RoleStorekeeper => "Storekeeper", "Кладовщик";
    None_ => "—", "—";
    TokenName => "Token name", "Название токена";
    TokenFor => "Acts as", "От имени";
    Revoke => "Revoke", "Отозвать";
    Revoked => "Revoked", "Отозван";
    CreatedAt => "Created", "Создан";
    LastUsed => "Last used", "Последнее использование";
    Never => "never", "никогда";
    FieldName => "Name", "Название";
    FieldLogin => "Login", "Логин";
    FieldPassword => "Password", "Пароль";
    FieldRole => "Role", "Роль";
    FieldKind => "Type", "Тип";
    FieldCity => "City", "Город";
    FieldAddress => "Address", "Адрес";
    FieldLatitude => "Latitude", "Широта";
    FieldLongitude => "Longitude", "Долгота";
    FieldLocation => "Location", "Точка";
    FieldEmployee => "Employee", "Сотрудник";
    FieldQuantity => "Quantity", "Количество";
    FieldProduct => "Product", "Товар";
    FieldSku => "SKU", "Артикул";
    FieldPrice => "Price", "Цена";
    FieldUnit => "Unit", "Единица измерения";
    FieldCategory => "Category", "Категория";
    FieldBarcode => "Barcode", "Штрихкод";
    FieldReason => "Reason", "Причина";
    ProblemRequired => "required", "обязательное поле";
    ProblemTooLong => "too long", "слишком длинное значение";
    ProblemTooShort => "too short", "слишком короткое значение";
    ProblemOutOfRange => "out of range", "вне допустимого диапазона";
    ProblemInvalid => "invalid value", "неверное значение";
    ProblemControlCharacter => "contains a control character (such as NUL)", "содержит управляющий символ (например, NUL)";
    ProblemNotWhole => "must be a whole number for this unit", "для этой единицы должно быть целым числом";
    ProblemNotFound => "does not exist", "не существует";
    ErrUnauthorized => "Please sign in.", "Пожалуйста, войдите в систему.";
    ErrInvalidCredentials => "Wrong login or password.", "Неверный логин или пароль.";
    ErrAccountInactive => "This account is deactivated. Ask an administrator.", "Учётная запись деактивирована. Обратитесь к администратору.";
    ErrForbidden => "Your role does not allow this.", "Ваша роль не позволяет это сделать.";
    ErrNotFound => "Not found.", "Не найдено.";
    ErrValidation => "Check the form.", "Проверьте форму.";
    ErrLoginTaken => "This login is already taken.", "Этот логин уже занят.";
    ErrLocationNameTaken => "A location with this name already exists.", "Точка с таким названием уже существует.";
    ErrLastAdmin => "The last active administrator cannot be deactivated or demoted.", "Нельзя деактивировать или понизить последнего активного администратора.";
    ErrSkuTaken => "A product with this SKU already exists.", "Товар с таким артикулом уже есть.";
    ErrBarcodeTaken => "This barcode already belongs to another product.", "Этот штрихкод уже принадлежит другому товару.";
    ErrStageInUse => "This stage still has records on it; move them first.", "На этом этапе ещё есть записи; сначала переместите их.";
    ErrStageMoved => "The order is no longer on that stage (someone moved it). Refresh and try again.", "Заказ уже не на этом этапе (его переместили). Обновите и попробуйте снова.";
    ErrUnitInUse => "The unit can't change: this product already has stock in its current unit.", "Единицу измерения нельзя изменить: по товару уже есть движения в текущей единице.";
    ErrCategoryTaken => "This category already exists here.", "Такая категория уже есть.";
    ErrReservationClosed => "This reservation is no longer active.", "Этот резерв уже не действует.";
    ErrTransferClosed => "This transfer has already been received.", "Это перемещение уже принято.";
    ErrNotEnoughStock => "Not enough stock here. Available:", "Недостаточно товара. Свободно здесь:";
    AvailableElsewhere => "Available at:", "Есть в наличии:";
    ErrConflict => "This conflicts with existing data.", "Конфликт с существующими данными.";
    ErrTooManyAttempts => "Too many failed attempts. Wait a minute and try again.", "Слишком много неудачных попыток. Подождите минуту и попробуйте снова.";
    ErrReservationOfOrder => "This reservation belongs to an order: change it through the order (edit it or move its stage).", "Этот резерв относится к заказу: меняйте его через заказ (редактирование или смена этапа).";
    MoveComment => "Comment on the move", "Комментарий к переходу";
    GuardPaid => "paid in full", "оплачен полностью";
    GuardPlannedCounts => "planned payments count", "с учётом плановых платежей";
    GuardNoTransit => "nothing in transit", "ничего нет в пути";
    GuardReserved => "every line reserved", "все строки в резерве";
    GuardDocument => "document generated", "документ сформирован";
    GuardComment => "comment required", "нужен комментарий";
    GuardsTitle => "Requires", "Требуется";
    FulfilmentsTitle => "For", "Для";
    AnyFulfilment => "any fulfilment", "любой способ получения";
    SourcingMissing => "lines nowhere in stock:", "строк нет нигде в наличии:";
    TakeSourcing => "Take from there", "Взять оттуда";
    CompanyZone => "The company's zone", "Часовой пояс компании";
    FieldTimeZone => "Time zone", "Часовой пояс";
    FundSplitsTitle => "Passes on", "Передаёт в другие фонды";
    FundSplitTo => "to the fund…", "в фонд…";
    AddSplit => "Add a share", "Добавить долю";
    PassedOn => "passed on", "передано";
    ChooseFund => "— choose a fund —", "— выберите фонд —";
    DefaultFundFor => "Default for", "По умолчанию для";
    ErrNotForFulfilment => "This move does not apply to orders of this fulfilment kind.", "Этот переход не применяется к заказам с таким способом получения.";
    ErrIdempotencyKeyReused => "This idempotency key was already used for another request.", "Этот ключ идемпотентности уже использован для другого запроса.";
    GuardFailedPaid => "The order is not paid in full; still due", "Заказ оплачен не полностью; осталось оплатить";
    GuardFailedNoTransit => "Goods of this order are still in transit", "Товары заказа ещё в пути";
    GuardFailedReserved => "Not every line of the order is reserved", "Не все строки заказа зарезервированы";
    GuardFailedDocument => "Generate this document for the order first", "Сначала сформируйте для заказа документ";
    GuardFailedComment => "This move needs a comment: write why.", "Для этого перехода нужен комментарий: напишите причину.";
    ErrMentionCantSee => "These colleagues can't see this record and would not be told; remove the mention", "Эти коллеги не видят эту запись и не получат уведомление; уберите упоминание";
    ErrInTransit => "Goods of these lines are still in transit; receive the transfer first", "Товары этих строк ещё в пути; сначала примите перемещение";
    ErrBusy => "The server is busy. Try again in a moment.", "Сервер занят. Повторите попытку через несколько секунд.";
    ErrUnavailable => "The database is not answering. Try again shortly.", "База данных не отвечает. Повторите попытку позже.";
    ErrInternal => "Something went wrong on the server.", "На сервере произошла ошибка.";
    ErrMalformed => "The request could not be read.", "Не удалось разобрать запрос.";
    ErrRequest => "The server could not be reached.", "Не удалось связаться с сервером.";
    UnitPcs => "pcs", "шт";
    UnitKg => "kg", "кг";
    UnitM => "m", "м";
    UnitL => "l", "л";
    UnitPack => "pack", "уп";
    SearchProducts => "Product, SKU or barcode", "Товар, артикул или штрихкод";
    NoProductsFound => "Nothing found", "Ничего не найдено";
    Sku => "SKU", "Артикул";
    Price => "Price", "Цена";
    Location => "Location", "Точка";
    OnHand => "On hand", "В наличии";
    Reserved => "Reserved", "В резерве";
    Available => "Available", "Свободно";
    Distance => "Distance", "Расстояние";
    Km => "km", "км";
    HomeBadge => "your shop", "ваша точка";
    Reserve => "Reserve", "Зарезервировать";
    ReserveAt => "Reserve at", "Резерв в точке";
    Quantity => "Quantity", "Количество";
    ClientForHold => "Client (name, phone)", "Клиент (имя, телефон)";
    Reservations => "Reservations", "Резервы";
    NoReservations => "No active reservations", "Активных резервов нет";
    HeldBy => "Seller", "Продавец";
    Client => "Client", "Клиент";
    Until => "Until", "До";
    ForOrder => "Order", "Заказ";
    Release => "Release", "Снять резерв";
    Fulfil => "Sell", "Продать";
    Alternatives => "Alternatives", "Аналоги";
    NoAlternatives => "No alternatives", "Аналогов нет";
    Reserved_ => "Reserved", "Зарезервировано";
    PickProduct => "Find a product to see where it is.", "Найдите товар, чтобы увидеть, где он есть.";
    Total => "Total", "Итого";
    NotHere => "none", "нет";
    StockDocuments => "Stock documents", "Складские документы";
    NewDocument => "New document", "Новый документ";
    DocumentNo => "Document", "Документ";
    DocKindLabel => "Type", "Тип";
    DocReceipt => "Receipt", "Оприходование";
    DocTransfer => "Transfer", "Перемещение";
    DocWriteOff => "Write-off", "Списание";
    DocReturn => "Return", "Возврат";
    DocCount => "Stock count", "Инвентаризация";
    FromLocation => "From", "Откуда";
    ToLocation => "To", "Куда";
    Reason => "Reason", "Причина";
    Comment => "Comment", "Комментарий";
    Author => "Author", "Автор";
    When => "Time", "Время";
    StatusDone => "Done", "Проведён";
    StatusInTransit => "In transit", "В пути";
    Receive => "Receive", "Принять";
    Lines => "Lines", "Позиции";
    AddProduct => "Add a product (search or scan)", "Добавить товар (поиск или сканер)";
    Counted => "Counted", "Фактически";
    Adjustment => "Difference", "Расхождение";
    Remove => "Remove", "Убрать";
    Post => "Post", "Провести";
    NoDocuments => "No documents yet", "Документов пока нет";
    StockOverview => "Stock by location", "Остатки по точке";
    AllCategories => "All categories", "Все категории";
    ShowAll => "All", "Все";
    ShowLow => "Running low", "Заканчиваются";
    ShowReserved => "With reservations", "С резервами";
    Rows => "Rows", "Строк";
    NewProduct => "New product", "Новый товар";
    Cost => "Cost", "Себестоимость";
    FieldFile => "File", "Файл";
    Import => "Import from CSV", "Импорт из CSV";
    ChooseFile => "CSV file", "CSV-файл";
    Check => "Check", "Проверить";
    DoImport => "Import", "Импортировать";
    RowsRead => "Rows", "Строк";
    RowsValid => "valid", "верных";
    RowsWithErrors => "with errors", "с ошибками";
    Line => "Line", "Строка";
    Problem => "Problem", "Ошибка";
    GoBack => "Back", "Назад";
    Imported => "Imported.", "Импорт выполнен.";
    DeliverToMyShop => "Deliver to my shop", "Доставить в мой магазин";
    DeliverFrom => "Delivery from", "Доставка со склада";
    OrderDelivery => "Order the transfer", "Оформить перемещение";
    DeliveryCreated => "Transfer created, in transit:", "Перемещение оформлено, товар в пути:";
    LinkAlternative => "Link an alternative", "Добавить аналог";
    Archive => "Archive", "В архив";
    Notifications => "Notifications", "Уведомления";
    NoNotifications => "No notifications.", "Уведомлений нет.";
    MarkAllRead => "Mark all read", "Прочитать все";
    HoldExpiring => "Client hold ends soon", "Скоро закончится резерв для клиента";
    Ends => "ends", "до";
    EditProduct => "Edit product", "Изменить товар";
    Categories => "Categories", "Категории";
    ParentCategory => "Parent category", "Родительская категория";
    NewCategory => "New category", "Новая категория";
    Products => "Products", "Товаров";
    ImportChecking => "Checking rows", "Проверка строк";
    ImportWriting => "Writing rows", "Запись строк";
    FieldPhone => "Phone", "Телефон";
    FieldEmail => "Email", "Email";
    FieldNotes => "Notes", "Заметки";
    Phones => "Phones", "Телефоны";
    AddPhone => "Add a phone", "Добавить телефон";
    Consent => "Agrees to receive mailings", "Согласие на рассылки";
    NewClient => "New client", "Новый клиент";
    ClientCard => "Client", "Клиент";
    SearchClients => "Phone or name", "Телефон или имя";
    NoClients => "No clients found.", "Клиенты не найдены.";
    CreatedBy => "Created by", "Создал";
    FieldStage => "Stage", "Этап";
    FieldColor => "Colour", "Цвет";
    FieldAction => "Stage action", "Действие этапа";
    FieldTransition => "Transition", "Переход";
    FieldProcess => "Business process", "Бизнес-процесс";
    FieldClient => "Client", "Клиент";
    FieldDiscount => "Discount", "Скидка";
    FieldFund => "Fund", "Фонд";
    FieldAmount => "Amount", "Сумма";
    FieldOrder => "Order", "Заказ";
    OrderStageReached => "An order moved to a stage", "Заказ перешёл на этап";
    Board => "Board", "Доска";
    NewOrder => "New order", "Новый заказ";
    AllStages => "All stages", "Все этапы";
    AllShops => "All shops", "Все магазины";
    Manager => "Manager", "Менеджер";
    Shop => "Shop", "Магазин";
    Paid => "Paid", "Оплачено";
    Created => "Created", "Создан";
    NoOrders => "No orders.", "Заказов нет.";
    PickupHere => "Pickup here", "Самовывоз здесь";
    PickupOther => "Pickup at another shop", "Самовывоз из другого магазина";
    Delivery => "Delivery", "Доставка";
    Fulfilment => "Fulfilment", "Получение";
    Reservation => "Reservation", "Резерв";
    Balance => "Balance", "Баланс";
    History => "History", "История";
    EvCreated => "created the order on", "создал(а) заказ на этапе";
    EvStage => "moved the order:", "перевёл(а) заказ:";
    EvReserved => "reserved lines:", "зарезервировано позиций:";
    EvReleased => "released lines:", "снято с резерва позиций:";
    EvFulfilled => "sold lines:", "продано позиций:";
    EvTransferReceived => "goods arrived and reserved here, transfer", "товар прибыл и зарезервирован, перемещение";
    EvTransferShort => "goods arrived short, not reserved, transfer", "товар прибыл не полностью, не зарезервирован, перемещение";
    EvTransfer => "created transfer", "создано перемещение";
    EvPayment => "recorded a payment", "провёл(а) оплату";
    EvPaymentPlanned => "planned a payment", "запланировал(а) платёж";
    EvOther => "changed the order", "изменил(а) заказ";
    RecordPayment => "Record a payment", "Провести оплату";
    Method => "Method", "Способ";
    Cash => "Cash", "Наличные";
    Card => "Card", "Карта";
    BankTransfer => "Bank transfer", "Безналичный перевод";
    Refund => "Refund (money out)", "Возврат средств";
    PlannedPayment => "Planned, not yet received", "Плановый, ещё не получен";
    PickupAt => "Pickup at", "Пункт самовывоза";
    TakeFrom => "Take from", "Взять из";
    CreateOrder => "Create the order", "Создать заказ";
    ClientOrders => "Orders", "Заказы";
    ClientPayments => "Payments", "Платежи";
    Owes => "owes", "долг";
    Processes => "Business processes", "Бизнес-процессы";
    NewProcess => "New process", "Новый процесс";
    Stages => "Stages", "Этапы";
    AddAction => "Add an action on entering…", "Добавить действие при входе…";
    ActReserveAll => "Reserve all lines", "Зарезервировать все позиции";
    ActReleaseAll => "Release reservations", "Снять резервы";
    ActFulfil => "Fulfil (reservations become sales)", "Отгрузить (резервы становятся продажами)";
    ActCreateTransfer => "Create a transfer for delivery", "Создать перемещение для доставки";
    ActNotify => "Notify", "Уведомить";
    ActGenerateDocument => "Generate a document", "Сформировать документ";
    StageOpen => "open", "в работе";
    StageDone => "done", "завершён";
    StageCancelled => "cancelled", "отменён";
    AddStage => "Add a stage", "Добавить этап";
    Transitions => "Allowed moves and who may make them", "Разрешённые переходы и кто их выполняет";
    AddTransition => "Add a move", "Добавить переход";
    TaskAssigned => "A task was assigned to you", "Вам назначена задача";
    TaskStageReached => "A task moved to a stage", "Задача перешла на этап";
    NavTasks => "Tasks", "Задачи";
    Projects => "Projects", "Проекты";
    NewTask => "New task", "Новая задача";
    NewProject => "New project", "Новый проект";
    Assignee => "Assignee", "Исполнитель";
    Due => "Due", "Срок";
    Description => "Description", "Описание";
    Tasks => "Tasks", "Задачи";
    NoTasks => "No tasks.", "Задач нет.";
    ShopAccess => "Shop access", "Доступ к магазинам";
    Funds => "Funds", "Фонды";
    Restore => "Restore", "Вернуть";
    AllManagers => "All managers", "Все менеджеры";
    From => "From", "С";
    To => "To", "По";
    ErrPaymentReceived => "This payment is already received.", "Этот платёж уже получен.";
    Received => "Received", "Получен";
    Payments => "Payments", "Платежи";
    NotFoundPage => "Page not found", "Страница не найдена";
    ErrOrderClosed => "The order is done or cancelled and can no longer be changed.", "Заказ завершён или отменён, его больше нельзя изменить.";
    FieldMessage => "Message", "Сообщение";
    FieldChat => "Chat", "Чат";
    FieldMember => "Members", "Участники";
    FieldInn => "INN (taxpayer number)", "ИНН";
    FieldKpp => "KPP", "КПП";
    FieldOgrn => "OGRN", "ОГРН";
    FieldBank => "Bank", "Банк";
    FieldBik => "BIK (bank code)", "БИК";
    FieldBankAccount => "Bank account", "Расчётный счёт";
    CorrAccount => "Correspondent account", "Корреспондентский счёт";
    LegalAddress => "Legal address", "Юридический адрес";
    CompanyName => "Company name", "Наименование организации";
    Director => "Director", "Руководитель";
    ChiefAccountant => "Chief accountant", "Главный бухгалтер";
    Requisites => "Company requisites", "Реквизиты компании";
    ErrTemplate => "The template has an error on line", "Ошибка в шаблоне, строка";
    ErrTooManyMessages => "You are sending too fast. Wait a few seconds.", "Вы отправляете слишком часто. Подождите несколько секунд.";
    ErrMessageDeleted => "This was deleted and can no longer be changed.", "Это уже удалено, изменить нельзя.";
    MentionedYou => "You were mentioned", "Вас упомянули";
    NewMessage => "New message", "Новое сообщение";
    NewComment => "New comment", "Новый комментарий";
    GeneralChat => "General chat", "Общий чат";
    NewChat => "New chat", "Новый чат";
    SearchMessages => "Search messages…", "Поиск по сообщениям…";
    LastSeen => "last seen", "был(а)";
    Members => "Members", "Участники";
    OlderMessages => "Older messages", "Более ранние сообщения";
    Editing => "Editing", "Редактирование";
    Edited => "edited", "изменено";
    MessageDeleted => "deleted", "удалено";
    Reply => "Reply", "Ответить";
    Delete => "Delete", "Удалить";
    Send => "Send", "Отправить";
    Attach => "Attach a file", "Прикрепить файл";
    Comments => "Comments", "Комментарии";
    NoComments => "No comments yet.", "Комментариев пока нет.";
    EvEdited => "edited the order:", "изменил(а) заказ:";
    EditOrder => "Edit the order", "Изменить заказ";
    SaveOrder => "Save the order", "Сохранить заказ";
    HeldHere => "Held", "Удерживают";
    TakeAlternative => "Take this instead", "Взять вместо";
    FieldTemplate => "Template", "Шаблон";
    RepAdd => "Add", "Добавить";
    RepAvg => "Average", "Среднее";
    RepBalance => "Balance", "Баланс";
    RepBlock => "Data", "Данные";
    RepByCategory => "by category", "по категориям";
    RepByDay => "by day", "по дням";
    RepByManager => "by manager", "по менеджерам";
    RepByProduct => "by product", "по товарам";
    RepByShop => "by shop", "по магазинам";
    RepCancelled => "The run was cancelled.", "Построение отменено.";
    RepChart => "Chart", "Диаграмма";
    RepChartBar => "Bar chart", "Столбцы";
    RepChartLine => "Line chart", "График";
    RepChartNone => "No chart", "Без диаграммы";
    RepChartPie => "Pie chart", "Круговая";
    RepChooseField => "Choose a field…", "Выберите поле…";
    RepConstructor => "Constructor", "Конструктор";
    RepCount => "Count", "Количество";
    RepDashboard => "Dashboard", "Панель отчётов";
    RepDay => "day", "день";
    RepDescending => "descending", "по убыванию";
    RepDistinct => "Distinct count", "Число различных";
    RepFilters => "Filters", "Фильтры";
    RepPeriod => "Period", "Период";
    RepThisMonth => "This month", "Этот месяц";
    RepLastMonth => "Last month", "Прошлый месяц";
    RepThisYear => "This year", "Этот год";
    RepAllTime => "All time", "За всё время";
    RepCustom => "Chosen dates", "Свои даты";
    RepFrom => "From", "С";
    RepGroupBy => "Group by", "Группировка";
    RepLive => "Figures update live.", "Цифры обновляются сами.";
    RepMargin => "Margin", "Маржа";
    RepMax => "Maximum", "Максимум";
    RepMeasures => "Measures", "Показатели";
    RepMin => "Minimum", "Минимум";
    RepMonth => "month", "месяц";
    RepName => "Report name", "Название отчёта";
    RepNew => "New report", "Новый отчёт";
    RepNoRows => "Nothing matches.", "Нет данных.";
    RepPaymentsByClient => "Payments by client", "Платежи по клиентам";
    RepPaymentsByFund => "Payments by fund", "Платежи по статьям";
    RepPaymentsByManager => "Payments by manager", "Платежи по менеджерам";
    RepPaymentsByProcess => "Payments by process", "Платежи по процессам";
    RepPerManager => "per manager", "по менеджерам";
    RepPin => "Pin to dashboard", "На панель";
    RepReceivables => "Balances and receivables", "Взаиморасчёты и долги";
    RepRun => "Build", "Построить";
    RepRunning => "Building…", "Строится…";
    RepSales => "Sales and margin", "Продажи и маржа";
    RepSaved => "Saved reports", "Сохранённые отчёты";
    RepShareWith => "Share with:", "Доступен:";
    RepSortBy => "Sort by", "Сортировка";
    RepStandard => "Standard reports", "Стандартные отчёты";
    RepSum => "Sum", "Сумма";
    RepTo => "To", "По";
    RepUnpin => "Unpin", "Убрать с панели";
    RepWeek => "week", "неделя";
    FieldReport => "Report", "Отчёт";
    FieldReportField => "Report field", "Поле отчёта";
    FieldMeasure => "Measure", "Показатель";
    FieldFilter => "Filter", "Фильтр";
    FieldPeriod => "Period", "Период";
    FieldIdempotencyKey => "Idempotency key", "Ключ идемпотентности";
    ErrReportNameTaken => "A report with this name already exists", "Отчёт с таким названием уже есть";
    FieldDocument => "Document", "Документ";
    ErrTooLarge => "The file is too large. The limit is", "Файл слишком большой. Предел —";
    ErrUnsupportedFile => "This type of file is not accepted: attach a PDF, JPEG or PNG.", "Такой тип файла не принимается: приложите PDF, JPEG или PNG.";
    DocInvoice => "Invoice", "Счёт на оплату";
    DocContract => "Sales contract", "Договор купли-продажи";
    DocWaybill => "Waybill", "Товарная накладная";
    DocSalesReceipt => "Sales receipt", "Товарный чек";
    Templates => "Document templates", "Шаблоны документов";
    PreviewOrder => "Preview on the order", "Предпросмотр на заказе";
    NewestOrder => "The newest order", "Последний заказ";
    PreviewOn => "Rendered on order", "Отрисовано на заказе";
    Files => "Files", "Файлы";
    NoFiles => "No files attached.", "Файлов нет.";
    ToThisRecord => "Attach to the order", "Приложить к заказу";
    Uploading => "Uploading…", "Загрузка…";
    AttachScan => "Attach a scan or file", "Приложить скан или файл";
    FileLimits => "PDF, JPEG or PNG, up to", "PDF, JPEG или PNG, до";
    ChooseTemplate => "Choose a template…", "Выберите шаблон…";
    Generate => "Generate", "Сформировать";
    PagesShort => "p.", "стр.";
    AllKinds => "All kinds", "Все виды";
    EvDocument => "generated", "сформировал(а)";
    EvDownloaded => "opened", "открыл(а)";
    EvAttached => "attached the file", "приложил(а) файл";
    NavCampaigns => "Campaigns", "Рассылки";
    NavTelephony => "Telephony", "Телефония";
    ErrCampaignStarted => "The campaign has started", "Рассылка уже запущена";
    ErrCampaignState => "Not in this state of the campaign", "Не в этом состоянии рассылки";
    ErrTemplateNameTaken => "This name is taken", "Это название занято";
    ErrMailNotConfigured => "Mail is not configured (Settings → Mail)", "Почта не настроена (Настройки → Почта)";
    ErrMailSettings => "Wrong mail settings", "Неверные настройки почты";
    ErrMailServer => "The mail server refused", "Почтовый сервер отказал";
    ErrExtensionTaken => "This extension is taken", "Этот номер занят";
    ErrTelephonyNotConfigured => "No PBX (Settings → Telephony)", "Нет АТС (Настройки → Телефония)";
    ErrNoExtension => "You have no extension", "У вас нет внутреннего номера";
    ErrPbxFailed => "The PBX refused", "АТС отказала";
    MissedCall => "Missed call", "Пропущенный звонок";
    Unread => "unread", "непрочитанных";
    Undo => "Undo", "Вернуть";
    Close => "Close", "Закрыть";
    ReleasedNotice => "Hold released", "Резерв снят";
    ReleaseConfirm => "Release this hold?", "Снять этот резерв?";
    ReleaseYes => "Yes, release", "Да, снять";
}

pub fn field_key(field: Field) -> Key {
    match field {
        Field::Name => Key::FieldName,
        Field::Login => Key::FieldLogin,
        Field::Password => Key::FieldPassword,
        Field::Role => Key::FieldRole,
        Field::Kind => Key::FieldKind,
        Field::City => Key::FieldCity,
        Field::Address => Key::FieldAddress,
        Field::Latitude => Key::FieldLatitude,
        Field::Longitude => Key::FieldLongitude,
        Field::Location => Key::FieldLocation,
        Field::Employee => Key::FieldEmployee,
        Field::Quantity => Key::FieldQuantity,
        Field::Product => Key::FieldProduct,
        Field::Sku => Key::FieldSku,
        Field::Price => Key::FieldPrice,
        Field::Unit => Key::FieldUnit,
        Field::Category => Key::FieldCategory,
        Field::Barcode => Key::FieldBarcode,
        Field::Reason => Key::FieldReason,
        Field::File => Key::FieldFile,
        Field::Phone => Key::FieldPhone,
        Field::Email => Key::FieldEmail,
        Field::Notes => Key::FieldNotes,
        Field::Stage => Key::FieldStage,
        Field::Color => Key::FieldColor,
        Field::Action => Key::FieldAction,
        Field::Transition => Key::FieldTransition,
        Field::Process => Key::FieldProcess,
        Field::Client => Key::FieldClient,
        Field::Discount => Key::FieldDiscount,
        Field::Fund => Key::FieldFund,
        Field::Amount => Key::FieldAmount,
        Field::Message => Key::FieldMessage,
        Field::Chat => Key::FieldChat,
        Field::Member => Key::FieldMember,
        Field::Comment => Key::Comment,
        Field::Inn => Key::FieldInn,
        Field::Kpp => Key::FieldKpp,
        Field::Ogrn => Key::FieldOgrn,
        Field::Bank => Key::FieldBank,
        Field::Bik => Key::FieldBik,
        Field::BankAccount => Key::FieldBankAccount,
        Field::Template => Key::FieldTemplate,
        Field::TimeZone => Key::FieldTimeZone,
        Field::Document => Key::FieldDocument,
        Field::Order => Key::FieldOrder,
        Field::Report => Key::FieldReport,
        Field::ReportField => Key::FieldReportField,
        Field::Measure => Key::FieldMeasure,
        Field::Filter => Key::FieldFilter,
        Field::Period => Key::FieldPeriod,
        Field::IdempotencyKey => Key::FieldIdempotencyKey,
    }
}

pub fn problem_key(problem: Problem) -> Key {
    match problem {
        Problem::Required => Key::ProblemRequired,
        Problem::TooLong => Key::ProblemTooLong,
        Problem::TooShort => Key::ProblemTooShort,
        Problem::OutOfRange => Key::ProblemOutOfRange,
        Problem::Invalid => Key::ProblemInvalid,
        Problem::NotFound => Key::ProblemNotFound,
        Problem::ControlCharacter => Key::ProblemControlCharacter,
        Problem::NotWhole => Key::ProblemNotWhole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_choice_beats_the_browser() {
        assert_eq!(
            Lang::negotiate(Some("a=1; lang=en"), Some("ru-RU,ru;q=0.9")),
            Lang::En
        );
    }

    #[test]
    fn accept_language_is_read_by_preference() {
        assert_eq!(
            Lang::negotiate(None, Some("ru-RU,ru;q=0.9,en;q=0.8")),
            Lang::Ru
        );
        assert_eq!(
            Lang::negotiate(None, Some("de-DE,en;q=0.5,ru;q=0.4")),
            Lang::En
        );
        assert_eq!(Lang::negotiate(None, Some("fr")), Lang::En);
        assert_eq!(Lang::negotiate(None, None), Lang::En);
    }

    #[test]
    fn every_key_is_translated_into_both_languages() {
        for key in Key::ALL {
            assert!(!key.text(Lang::En).is_empty(), "{key:?}");
            assert!(!key.text(Lang::Ru).is_empty(), "{key:?}");
        }
    }
}
