//! The designer's own words, and stage actions told as sentences (never as the codes
//! they are stored with: `role:storekeeper`, `order`).

use crate::auth::Role;
use crate::i18n::Lang;
use crate::process::{ActionKind, ProcessKind, StageAction, StageKind};

crate::i18n::local_texts! {
    ProcessTabs => "Processes", "Процессы";
    ProcessName => "Process name", "Название процесса";
    ProcessKindLabel => "What runs through it", "Что проходит через процесс";
    ProcessActive => "In use", "Используется";
    KindOrder => "Orders", "Заказы";
    KindTask => "Tasks", "Задачи";
    KindProject => "Projects", "Проекты";
    StageOpen => "In progress", "В работе";
    StageDone => "Done", "Завершён";
    StageCancelled => "Cancelled", "Отменён";
    StageNo => "Stage {n}", "Этап {n}";
    StageName => "Stage name", "Название этапа";
    StageColor => "Colour", "Цвет";
    StageKindLabel => "Stage type", "Тип этапа";
    MoveUp => "Move stage up", "Поднять этап";
    MoveDown => "Move stage down", "Опустить этап";
    RemoveStage => "Remove stage", "Удалить этап";
    StagesHint => "A new record starts on the first stage; the order here is the order on the board. «Done» and «Cancelled» stages close the record.", "Новая запись начинается с первого этапа; порядок здесь — порядок колонок на доске. Этапы «Завершён» и «Отменён» закрывают запись.";
    OnEnter => "On entering the stage", "При входе на этап";
    NoActions => "No actions.", "Действий нет.";
    NewAction => "New action", "Новое действие";
    Choose => "— choose —", "— выберите —";
    NotifyWhom => "Whom to notify", "Кого уведомить";
    WhichDocument => "Which document", "Какой документ";
    AddAction => "Add the action", "Добавить действие";
    RemoveAction => "Remove the action", "Убрать действие";
    SayReserveAll => "Reserve all lines", "Зарезервировать все строки";
    SayReleaseAll => "Release all reservations", "Снять все резервы";
    SayFulfil => "Fulfil the order: reservations become sales", "Отгрузить заказ: резервы становятся продажами";
    SayCreateTransfer => "Create a transfer for delivery", "Создать перемещение для доставки";
    SayNotifyRole => "Notify role: {x}", "Уведомить роль: {x}";
    SayNotifyManager => "Notify the order's manager", "Уведомить менеджера заказа";
    SayNotifyAssignee => "Notify the assignee", "Уведомить ответственного";
    SayNotifyEmployee => "Notify employee: {x}", "Уведомить сотрудника: {x}";
    SayGenerate => "Generate document: {x}", "Сформировать документ: {x}";
    TemplateNo => "template no. {x}", "шаблон № {x}";
    EmployeeNo => "employee no. {x}", "сотрудник № {x}";
    OptNotify => "Notify…", "Уведомить…";
    OptGenerate => "Generate a document…", "Сформировать документ…";
    OptManager => "The order's manager", "Менеджер заказа";
    OptAssignee => "The assignee", "Ответственный";
    OptRole => "Role: {x}", "Роль: {x}";
    OptEmployee => "Employee: {x}", "Сотрудник: {x}";
    MovesTitle => "Allowed moves", "Разрешённые переходы";
    MovesHint => "Rows: from which stage; columns: to which stage. Tap a cell to allow a move, choose who may make it and what it requires.", "Строки — откуда, столбцы — куда. Нажмите на клетку, чтобы разрешить переход, выбрать, кто его выполняет и что для него требуется.";
    Corner => "From ↓ to →", "Откуда ↓ куда →";
    Allowed => "allowed", "разрешён";
    NotAllowed => "not allowed", "не разрешён";
    WithConditions => "with conditions", "с условиями";
    FlagLegend => "has conditions or is for some fulfilment kinds only", "есть условия или только для некоторых способов получения";
    MoveTitle => "Move «{a}» → «{b}»", "Переход «{a}» → «{b}»";
    WhoMay => "Who may make it", "Кто может переводить";
    NobodyYet => "Not allowed: tick at least one role.", "Не разрешён: отметьте хотя бы одну роль.";
    Requires => "What it requires", "Что требуется";
    GPaid => "The order is paid in full", "Заказ оплачен полностью";
    GPlanned => "Planned payments count toward it", "С учётом плановых платежей";
    GNoTransit => "Nothing is in transit", "Ничего нет в пути";
    GReserved => "Every line is reserved", "Все строки в резерве";
    GComment => "The person moving it writes why", "Нужен комментарий";
    GDocument => "A document has been generated", "Сформирован документ";
    NotRequired => "— not required —", "— не требуется —";
    ForFulfilments => "For orders with fulfilment", "Для заказов со способом получения";
    RemoveMove => "Remove the move", "Убрать переход";
    CloseEditor => "Done", "Готово";
    RoleShortAdmin => "Ad", "А";
    RoleShortDirector => "Di", "Д";
    RoleShortAccountant => "Ac", "Б";
    RoleShortManager => "Ma", "М";
    RoleShortStorekeeper => "St", "К";
}

/// What a process kind runs, in words.
pub fn kind_word(k: ProcessKind) -> T {
    match k {
        ProcessKind::Order => T::KindOrder,
        ProcessKind::Task => T::KindTask,
        ProcessKind::Project => T::KindProject,
    }
}

pub fn stage_kind_word(k: StageKind) -> T {
    match k {
        StageKind::Open => T::StageOpen,
        StageKind::Done => T::StageDone,
        StageKind::Cancelled => T::StageCancelled,
    }
}

/// A role's letter in the grid (the legend under it spells them out).
pub fn role_short(r: Role) -> T {
    match r {
        Role::Admin => T::RoleShortAdmin,
        Role::Director => T::RoleShortDirector,
        Role::Accountant => T::RoleShortAccountant,
        Role::Manager => T::RoleShortManager,
        Role::Storekeeper => T::RoleShortStorekeeper,
    }
}

/// `text` with `{x}` replaced.
pub fn fill(key: T, lang: Lang, x: &str) -> String {
    key.text(lang).replace("{x}", x)
}

/// Whom a `notify` parameter names, as a select option says it.
pub fn recipient(
    param: &str,
    kind: ProcessKind,
    lang: Lang,
    employee: &dyn Fn(i64) -> Option<String>,
) -> String {
    if param == "manager" {
        manager_word(kind).text(lang).to_string()
    } else if let Some(role) = param.strip_prefix("role:").and_then(Role::parse) {
        fill(T::OptRole, lang, role.label().text(lang))
    } else if let Some(id) = param
        .strip_prefix("employee:")
        .and_then(|id| id.parse::<i64>().ok())
    {
        fill(T::OptEmployee, lang, &employee_name(id, lang, employee))
    } else {
        String::new()
    }
}

fn manager_word(kind: ProcessKind) -> T {
    if kind == ProcessKind::Order {
        T::OptManager
    } else {
        T::OptAssignee
    }
}

fn employee_name(id: i64, lang: Lang, employee: &dyn Fn(i64) -> Option<String>) -> String {
    employee(id).unwrap_or_else(|| fill(T::EmployeeNo, lang, &id.to_string()))
}

/// A stage action as a sentence: «Уведомить роль: Кладовщик».
pub fn sentence(
    a: &StageAction,
    kind: ProcessKind,
    lang: Lang,
    template: &dyn Fn(i64) -> Option<String>,
    employee: &dyn Fn(i64) -> Option<String>,
) -> String {
    match a.action {
        ActionKind::ReserveAll => T::SayReserveAll.text(lang).into(),
        ActionKind::ReleaseAll => T::SayReleaseAll.text(lang).into(),
        ActionKind::Fulfil => T::SayFulfil.text(lang).into(),
        ActionKind::CreateTransfer => T::SayCreateTransfer.text(lang).into(),
        ActionKind::GenerateDocument => {
            let id = a.param.parse::<i64>().unwrap_or(0);
            let name = template(id).unwrap_or_else(|| fill(T::TemplateNo, lang, &a.param));
            fill(T::SayGenerate, lang, &name)
        }
        ActionKind::Notify => {
            if a.param == "manager" {
                if kind == ProcessKind::Order {
                    T::SayNotifyManager.text(lang).into()
                } else {
                    T::SayNotifyAssignee.text(lang).into()
                }
            } else if let Some(role) = a.param.strip_prefix("role:").and_then(Role::parse) {
                fill(T::SayNotifyRole, lang, role.label().text(lang))
            } else {
                let id = a
                    .param
                    .strip_prefix("employee:")
                    .and_then(|id| id.parse::<i64>().ok())
                    .unwrap_or(0);
                fill(
                    T::SayNotifyEmployee,
                    lang,
                    &employee_name(id, lang, employee),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_told_in_words_not_codes() {
        let none = |_: i64| None;
        let invoice = |id: i64| (id == 7).then(|| "Счёт на оплату".to_string());
        let say = |action, param: &str, kind| {
            let a = StageAction {
                action,
                param: param.into(),
            };
            sentence(&a, kind, Lang::Ru, &invoice, &none)
        };
        assert_eq!(
            say(ActionKind::Notify, "role:storekeeper", ProcessKind::Order),
            "Уведомить роль: Кладовщик"
        );
        assert_eq!(
            say(ActionKind::GenerateDocument, "7", ProcessKind::Order),
            "Сформировать документ: Счёт на оплату"
        );
        assert_eq!(
            say(ActionKind::Notify, "manager", ProcessKind::Task),
            "Уведомить ответственного"
        );
        assert_eq!(
            say(ActionKind::ReserveAll, "", ProcessKind::Order),
            "Зарезервировать все строки"
        );
        for kind in ProcessKind::ALL {
            for action in ActionKind::ALL {
                let param = match action {
                    ActionKind::Notify => "role:manager",
                    ActionKind::GenerateDocument => "99",
                    _ => "",
                };
                let s = say(*action, param, *kind);
                assert!(!s.contains("role:") && !s.contains('_'), "{s}");
            }
        }
    }
}
