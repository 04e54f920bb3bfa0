//! The crash harness's hook (only in builds with the `failpoints` feature): `CUSTODIA_FAULT=<point>=<mode>`
//! arms one of the core's fault points (`custodia_core::faults::POINTS`). `abort` stops the process at
//! that step as a power cut would (no destructor, no cleanup); `enospc` and `eio` make the step fail with
//! a full disk or an I/O error.

/// Arms the fault named in the environment, if any. A malformed value is an error: a harness that
/// meant to inject a fault must not pass by testing nothing.
pub fn arm_from_env() -> anyhow::Result<()> {
    let Some(spec) = std::env::var_os("CUSTODIA_FAULT") else { return Ok(()) };
    let spec = spec.to_string_lossy();
    let Some((point, mode)) = spec.split_once('=') else {
        anyhow::bail!("CUSTODIA_FAULT must be <point>=<abort|enospc|eio>, not {spec:?}");
    };
    if !custodia_core::faults::POINTS.contains(&point) {
        anyhow::bail!("CUSTODIA_FAULT names no fault point: {point:?}");
    }
    match mode {
        "abort" => fail::cfg_callback(point, || std::process::abort()),
        "enospc" | "eio" => fail::cfg(point, &format!("return({mode})")),
        other => anyhow::bail!("CUSTODIA_FAULT mode must be abort, enospc or eio, not {other:?}"),
    }
    .map_err(|e| anyhow::anyhow!("CUSTODIA_FAULT: {e}"))
}
