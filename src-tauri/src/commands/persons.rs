//! Interviewees: the list (pseudonym codes only), the live duplicate check while a person is typed in,
//! adding with a justification, the logged reveal of identity and earlier values, edits, one person's
//! detail. Each command is a few lines over a function of `AppState`, which the tests call directly.

use super::{blocking, justification, subject_events};
use crate::ipc::{
    findings, FindingDto, HistoryEntryDto, IdentityDto, IpcError, PersonDetail, PersonDto, PersonEditDto,
    PersonInputDto, PersonSaved,
};
use crate::state::AppState;
use custodia_core::{PersonEdit, PersonInput};
use tauri::AppHandle;
use zeroize::Zeroizing;

pub(crate) fn list(state: &AppState) -> Result<Vec<PersonDto>, IpcError> {
    state.with_vault(|vault| Ok(vault.persons()?.into_iter().map(Into::into).collect()))
}

/// The findings for a person not saved yet, with the person index kept for this unlock.
pub(crate) fn check(state: &AppState, input: PersonInputDto) -> Result<Vec<FindingDto>, IpcError> {
    // Wiped when the check ends: the live check runs on every keystroke of a name.
    let input = Zeroizing::new(PersonInput::try_from(input)?);
    state.with_checker(|vault, checker| Ok(findings(vault.check_person_with(checker, &input)?)))
}

pub(crate) fn add(
    state: &AppState,
    input: PersonInputDto,
    justification_text: Option<String>,
) -> Result<PersonSaved, IpcError> {
    let input = Zeroizing::new(PersonInput::try_from(input)?);
    let why = justification(justification_text);
    state.with_checker(|vault, checker| {
        let added = vault.add_person_with(checker, &input, why.as_deref())?;
        Ok(PersonSaved { person: added.person.into(), findings: findings(added.findings) })
    })
}

pub(crate) fn detail(state: &AppState, id: &str) -> Result<PersonDetail, IpcError> {
    state.with_vault(|vault| {
        let person = vault.person(id)?;
        let interviews = vault.interviews_of(&person.id)?.into_iter().map(Into::into).collect();
        // A merged record's consent moved to the survivor; its own list is then empty, which is true.
        let consents = vault.consents_of(&person.id)?.into_iter().map(Into::into).collect();
        let events = subject_events(vault, &person.id)?;
        Ok(PersonDetail { person: person.into(), interviews, consents, events })
    })
}

pub(crate) fn edit(state: &AppState, id: &str, edit: PersonEditDto) -> Result<PersonSaved, IpcError> {
    let edit = PersonEdit::try_from(edit)?;
    state.with_vault(|vault| {
        let (person, found) = vault.edit_person(id, &edit)?;
        Ok(PersonSaved { person: person.into(), findings: findings(found) })
    })
}

#[tauri::command]
#[specta::specta]
pub async fn list_persons(app: AppHandle) -> Result<Vec<PersonDto>, IpcError> {
    blocking(app, list).await
}

/// The do-no-harm findings for a person being typed in; nothing is saved.
#[tauri::command]
#[specta::specta]
pub async fn check_person(app: AppHandle, input: PersonInputDto) -> Result<Vec<FindingDto>, IpcError> {
    blocking(app, move |state| check(state, input)).await
}

/// Adds a person. A warning needs `justification` (logged with the person); without it nothing is saved
/// and the error carries the findings.
#[tauri::command]
#[specta::specta]
pub async fn add_person(
    app: AppHandle,
    input: PersonInputDto,
    justification: Option<String>,
) -> Result<PersonSaved, IpcError> {
    blocking(app, move |state| add(state, input, justification)).await
}

#[tauri::command]
#[specta::specta]
pub async fn person_detail(app: AppHandle, id: String) -> Result<PersonDetail, IpcError> {
    blocking(app, move |state| detail(state, &id)).await
}

/// The identifying fields; each call is a `person.revealed` custody event.
#[tauri::command]
#[specta::specta]
pub async fn reveal_person(app: AppHandle, id: String) -> Result<IdentityDto, IpcError> {
    blocking(app, move |state| state.with_vault(|vault| Ok(vault.reveal_person(&id)?.into()))).await
}

/// Both persons of a suspected duplicate pair, side by side: two identities at once, so the passphrase is
/// asked first (`confirm_passphrase`). Each is its own `person.revealed` event.
pub(crate) fn reveal_both(state: &AppState, a: &str, b: &str) -> Result<Vec<IdentityDto>, IpcError> {
    state.reauth().require()?;
    state.with_vault(|vault| Ok(vec![vault.reveal_person(a)?.into(), vault.reveal_person(b)?.into()]))
}

#[tauri::command]
#[specta::specta]
pub async fn reveal_pair(app: AppHandle, a: String, b: String) -> Result<Vec<IdentityDto>, IpcError> {
    blocking(app, move |state| reveal_both(state, &a, &b)).await
}

/// Earlier values of the person's fields; a reveal too, and logged as one.
#[tauri::command]
#[specta::specta]
pub async fn reveal_person_history(app: AppHandle, id: String) -> Result<Vec<HistoryEntryDto>, IpcError> {
    blocking(app, move |state| {
        state.with_vault(|vault| Ok(vault.reveal_person_history(&id)?.into_iter().map(Into::into).collect()))
    })
    .await
}

/// Changes a person's fields (each earlier value kept); the findings the new values raise inform only.
#[tauri::command]
#[specta::specta]
pub async fn edit_person(app: AppHandle, id: String, edit: PersonEditDto) -> Result<PersonSaved, IpcError> {
    blocking(app, move |state| self::edit(state, &id, edit)).await
}
