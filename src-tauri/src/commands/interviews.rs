//! Interviews: lists, the check before one is created, creating it with a justification, the logged read
//! of its texts and earlier values, edits, referrals, completion (which blocks without consent), and the
//! interviewers with whether each is trained.

use super::{blocking, justification, subject_events};
use crate::ipc::{
    findings, FindingDto, HistoryEntryDto, InterviewDetail, InterviewDto, InterviewEditDto, InterviewInputDto,
    InterviewSaved, InterviewTextDto, InterviewerDto, IpcError,
};
use crate::state::AppState;
use custodia_core::{InterviewInput, Referral, ReferralKind};
use tauri::AppHandle;

/// Every interview, newest first.
pub(crate) fn list(state: &AppState) -> Result<Vec<InterviewDto>, IpcError> {
    state.with_vault(|vault| Ok(vault.interviews()?.into_iter().map(InterviewDto::from).collect()))
}

pub(crate) fn check(state: &AppState, input: InterviewInputDto) -> Result<Vec<FindingDto>, IpcError> {
    let input = InterviewInput::from(input);
    state.with_checker(|vault, checker| Ok(findings(vault.check_interview_with(checker, &input)?)))
}

pub(crate) fn add(
    state: &AppState,
    input: InterviewInputDto,
    justification_text: Option<String>,
) -> Result<InterviewSaved, IpcError> {
    let input = InterviewInput::from(input);
    let why = justification(justification_text);
    state.with_checker(|vault, checker| {
        let saved = vault.add_interview_with(checker, &input, why.as_deref())?;
        Ok(InterviewSaved { interview: saved.record.into(), findings: findings(saved.findings) })
    })
}

pub(crate) fn detail(state: &AppState, id: &str) -> Result<InterviewDetail, IpcError> {
    state.with_vault(|vault| {
        let interview = vault.interview(id)?;
        let person = vault.person(&interview.person)?;
        let events = subject_events(vault, &interview.id)?;
        Ok(InterviewDetail { interview: interview.into(), person: person.into(), events })
    })
}

pub(crate) fn referral(state: &AppState, id: &str, kind: &str, value: &str) -> Result<InterviewDto, IpcError> {
    state.with_vault(|vault| {
        let kind = ReferralKind::parse(kind)?;
        let value = Referral::parse(value)?;
        Ok(vault.set_referral(id, kind, value)?.into())
    })
}

pub(crate) fn complete(state: &AppState, id: &str) -> Result<InterviewSaved, IpcError> {
    state.with_vault(|vault| {
        let done = vault.complete_interview(id)?;
        Ok(InterviewSaved { interview: done.record.into(), findings: findings(done.findings) })
    })
}

pub(crate) fn interviewers(state: &AppState) -> Result<Vec<InterviewerDto>, IpcError> {
    state.with_vault(|vault| {
        Ok(vault.interviewers()?.into_iter().map(|(name, trained)| InterviewerDto { name, trained }).collect())
    })
}

#[tauri::command]
#[specta::specta]
pub async fn list_interviews(app: AppHandle) -> Result<Vec<InterviewDto>, IpcError> {
    blocking(app, list).await
}

#[tauri::command]
#[specta::specta]
pub async fn interview_detail(app: AppHandle, id: String) -> Result<InterviewDetail, IpcError> {
    blocking(app, move |state| detail(state, &id)).await
}

/// The do-no-harm findings for an interview about to be created; nothing is saved.
#[tauri::command]
#[specta::specta]
pub async fn check_interview(app: AppHandle, input: InterviewInputDto) -> Result<Vec<FindingDto>, IpcError> {
    blocking(app, move |state| check(state, input)).await
}

/// Creates an interview as a draft. A warning needs `justification` (logged with the interview).
#[tauri::command]
#[specta::specta]
pub async fn add_interview(
    app: AppHandle,
    input: InterviewInputDto,
    justification: Option<String>,
) -> Result<InterviewSaved, IpcError> {
    blocking(app, move |state| add(state, input, justification)).await
}

/// The transcript and summary; each call is an `interview.viewed` custody event.
#[tauri::command]
#[specta::specta]
pub async fn read_interview(app: AppHandle, id: String) -> Result<InterviewTextDto, IpcError> {
    blocking(app, move |state| {
        state.with_vault(|vault| {
            let text = vault.read_interview(&id)?;
            Ok(InterviewTextDto { transcript: text.transcript, summary: text.summary })
        })
    })
    .await
}

/// Earlier values of an interview's fields (they may quote the transcript): logged as a view.
#[tauri::command]
#[specta::specta]
pub async fn interview_history(app: AppHandle, id: String) -> Result<Vec<HistoryEntryDto>, IpcError> {
    blocking(app, move |state| {
        state.with_vault(|vault| Ok(vault.read_interview_history(&id)?.into_iter().map(Into::into).collect()))
    })
    .await
}

/// Changes an interview. A new date or transcript runs the rules again; warnings need `justification`.
#[tauri::command]
#[specta::specta]
pub async fn edit_interview(
    app: AppHandle,
    id: String,
    edit: InterviewEditDto,
    justification: Option<String>,
) -> Result<InterviewSaved, IpcError> {
    blocking(app, move |state| {
        let why = super::justification(justification);
        state.with_vault(|vault| {
            let saved = vault.edit_interview(&id, &edit.into(), why.as_deref())?;
            Ok(InterviewSaved { interview: saved.record.into(), findings: findings(saved.findings) })
        })
    })
    .await
}

/// Records a referral (`kind`: psychosocial, medical, legal) as "made", "declined", or "" (not yet).
#[tauri::command]
#[specta::specta]
pub async fn set_referral(app: AppHandle, id: String, kind: String, value: String) -> Result<InterviewDto, IpcError> {
    blocking(app, move |state| referral(state, &id, &kind, &value)).await
}

/// Marks the interview complete. Without consent recorded (and, for minors and survivors, every referral)
/// this is refused with `harm_blocked` and the findings that block it.
#[tauri::command]
#[specta::specta]
pub async fn complete_interview(app: AppHandle, id: String) -> Result<InterviewSaved, IpcError> {
    blocking(app, move |state| complete(state, &id)).await
}

#[tauri::command]
#[specta::specta]
pub async fn list_interviewers(app: AppHandle) -> Result<Vec<InterviewerDto>, IpcError> {
    blocking(app, interviewers).await
}

/// Adds an interviewer or changes whether they are trained; answers the whole list.
#[tauri::command]
#[specta::specta]
pub async fn set_interviewer(app: AppHandle, name: String, trained: bool) -> Result<Vec<InterviewerDto>, IpcError> {
    blocking(app, move |state| {
        state.with_vault(|vault| vault.set_interviewer(&name, trained))?;
        interviewers(state)
    })
    .await
}
