// RFC 3339 date-time parsing and formatting (see rfc3339.hpp).
#include "token/rfc3339.hpp"

#include <chrono>
#include <cstdio>

namespace tessera::token {
namespace {

namespace chr = std::chrono;

// A cursor over the input that reads fixed-width digit fields and literal characters.
class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool digits(std::size_t n, int& out) {
    if (s_.size() - pos_ < n) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = s_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    out = v;
    return true;
  }
  bool literal(char a, char b = '\0') {
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_];
    if (c != a && (b == '\0' || c != b)) return false;
    ++pos_;
    return true;
  }
  bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool at_digit() const { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; }
  void skip() { ++pos_; }
  bool done() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::unexpected<Error> bad(const char* why) { return fail(Errc::malformed, std::string("RFC 3339 date-time: ") + why); }

}  // namespace

Result<std::int64_t> parse_rfc3339(std::string_view text) {
  if (text.size() > kMaxRfc3339Chars) return bad("too long");
  Reader r(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!r.digits(4, year) || !r.literal('-') || !r.digits(2, month) || !r.literal('-') || !r.digits(2, day))
    return bad("bad date");
  if (!r.literal('T', 't')) return bad("expected 'T' between date and time");
  if (!r.digits(2, hour) || !r.literal(':') || !r.digits(2, minute) || !r.literal(':') || !r.digits(2, second))
    return bad("bad time");
  if (r.peek('.')) {
    r.skip();
    if (!r.at_digit()) return bad("empty fraction of a second");
    while (r.at_digit()) r.skip();  // truncated: the length bound above caps the run
  }
  int offset_seconds = 0;
  if (!r.literal('Z', 'z')) {
    int sign = 0;
    if (r.peek('+')) sign = 1;
    else if (r.peek('-')) sign = -1;
    else return bad("missing offset");
    r.skip();
    int oh = 0, om = 0;
    if (!r.digits(2, oh) || !r.literal(':') || !r.digits(2, om)) return bad("bad offset");
    if (oh > 23 || om > 59) return bad("offset out of range");
    offset_seconds = sign * (oh * 3600 + om * 60);
  }
  if (!r.done()) return bad("trailing characters");

  if (hour > 23 || minute > 59) return bad("time out of range");
  if (second == 60) return bad("leap seconds are not supported");
  if (second > 59) return bad("time out of range");
  const chr::year_month_day ymd{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                chr::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return bad("no such date");  // month 13, Feb 30, Feb 29 of a common year, ...

  const std::int64_t days = chr::sys_days(ymd).time_since_epoch().count();
  return days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
}

Result<std::string> format_rfc3339(std::int64_t unix_seconds) {
  if (unix_seconds < kMinRfc3339Seconds || unix_seconds > kMaxRfc3339Seconds)
    return fail(Errc::invalid_argument, "time outside the years 0000..9999 of RFC 3339");
  const chr::sys_seconds t{chr::seconds{unix_seconds}};
  const auto day_start = chr::floor<chr::days>(t);
  const chr::year_month_day ymd{day_start};
  const chr::hh_mm_ss hms{t - day_start};
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d+00:00", static_cast<int>(ymd.year()),
                              static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                              static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                              static_cast<int>(hms.seconds().count()));
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace tessera::token
