//! The shell's IPC inputs, as the page could send them: the first byte picks a type, the rest is JSON,
//! deserialised into the shell's own DTO (compiled from `src-tauri/src/ipc/`) and converted into the core
//! type with the checks the core runs before it touches the vault.
#![no_main]

use custodia_core::harm::HarmSettings;
use custodia_core::{ConsentInput, ExportSelection, InterviewEdit, InterviewInput, PersonEdit, PersonInput};
use custodia_fuzz::ipc::*;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

fn parse<T: DeserializeOwned>(json: &[u8]) -> Option<T> {
    serde_json::from_slice(json).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, json)) = data.split_first() else { return };
    match kind % 12 {
        0 => {
            if let Some(Ok(person)) = parse::<PersonInputDto>(json).map(PersonInput::try_from) {
                let _ = custodia_core::fuzzing::check_person(&person);
            }
        }
        1 => {
            let _ = parse::<PersonEditDto>(json).map(PersonEdit::try_from);
        }
        2 => {
            let _ = parse::<ConsentInputDto>(json).map(ConsentInput::from);
        }
        3 => {
            let _ = parse::<ExportRequestDto>(json).map(|r| ExportSelection::from(r.selection));
        }
        4 => {
            let _ = parse::<RecipientInputDto>(json).map(custodia_core::bundle::RecipientInput::from);
        }
        5 => {
            let _ = parse::<OpenWithDto>(json).map(|o| o.passphrase.map(|p| p.into_secret_string()));
        }
        6 => {
            let _ = parse::<SettingsDto>(json).map(|s| custodia_core::Settings::from(s).check());
        }
        7 => {
            let _ = parse::<HarmSettingsDto>(json).map(|s| HarmSettings::from(s).check());
        }
        8 => {
            let _ = parse::<InterviewInputDto>(json).map(InterviewInput::from);
        }
        9 => {
            let _ = parse::<InterviewEditDto>(json).map(InterviewEdit::from);
        }
        10 => {
            let _ = parse::<IncidentInputDto>(json).map(custodia_core::IncidentInput::from);
        }
        _ => {
            let _ = parse::<EventFilter>(json);
        }
    }
});
