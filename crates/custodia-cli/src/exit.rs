//! The command line's exit codes, one enum: a script reads the same number for the same outcome from
//! every command. `main` turns it into the process's `ExitCode`; 2 is clap's, for a command line it does
//! not understand.

use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Done, or every check holds.
    Ok,
    /// An error: what went wrong is on standard error.
    Failed,
    /// A check found problems: `verify`, a bundle's checks, a checkpoint that does not hold.
    Problems,
    /// The do-no-harm rules (consent among them) stopped the action; nothing was saved.
    HarmStopped,
    /// Ctrl-C: the work was cancelled and nothing half-written was kept (128 + SIGINT, as shells expect).
    Interrupted,
}

impl Exit {
    pub const fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Failed => 1,
            Exit::Problems => 3,
            Exit::HarmStopped => 4,
            Exit::Interrupted => 130,
        }
    }

    /// `Ok` when `holds`, else `Problems`: the outcome of a check.
    pub const fn checked(holds: bool) -> Exit {
        if holds {
            Exit::Ok
        } else {
            Exit::Problems
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}
