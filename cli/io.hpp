// Input/output helpers of the `tessera` CLI: reading files or stdin ("-"), writing output
// (secrets to files created with mode 0600), and parsing --expires-in durations.
// Every failure throws cli::Failure with exit code 2 (io_error / invalid_argument), except an
// oversized token on stdin, which is a token problem (exit 1, token_too_large).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::cli {

// Whole content of path, or of stdin when path is "-". what names the input in messages.
std::string read_input(const std::string& path, std::size_t max_bytes, std::string_view what);

// The TOKEN argument: itself, or stdin when "-" (trailing whitespace trimmed).
std::string read_token_arg(const std::string& arg);

// Writes bytes to stdout exactly.
void write_stdout(std::string_view bytes);

// Creates or truncates path with mode 0600 (also on an existing file) and writes bytes.
// "-" writes to stdout.
void write_secret_file(const std::string& path, std::string_view bytes);

// "90", "90s", "15m", "1h", "7d" -> seconds. Must be positive and fit comfortably in int64.
std::int64_t parse_duration(std::string_view text);

}  // namespace tessera::cli
