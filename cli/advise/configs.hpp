// What each model of the runbook means in practice (runbook.hpp): the reasons for it, its
// pitfalls, and the `tessera` commands and settings that implement it (the issuer, the clients, and
// `tessera gateway` in front of each API that verifies tokens). Used by advise() only.
// Thread safety: a pure function.
#pragma once

#include "advise/runbook.hpp"

namespace tessera::cli::advise {

// The example names every command uses (the user replaces them).
inline constexpr const char* kIssuer = "https://auth.example.com";
inline constexpr const char* kAppOrigin = "https://app.example.com";
inline constexpr const char* kApi = "https://api.example.com";

// Fills r.reasons, r.pitfalls, r.commands and r.notes for r.model (and r.token_format).
// REQUIRES: a has every answer (with_defaults), r.model chosen.
void fill_model(const Answers& a, Recommendation& r);

}  // namespace tessera::cli::advise
