// The one non-template piece of ClaimsBuilder: writing a time claim in either encoding.
#include "tessera/claims_builder.hpp"

#include "token/rfc3339.hpp"

namespace tessera::detail {

void set_claim_time(boost::json::object& claims, std::string_view name, std::int64_t t, TimeEncoding enc,
                    std::optional<Error>& error) {
  if (enc == TimeEncoding::numeric_date) {
    claims[name] = t;
    return;
  }
  auto text = token::format_rfc3339(t);
  if (!text) {
    if (!error) error = Error(text.error().code, std::string(name) + ": " + text.error().message);
    return;
  }
  claims[name] = *text;
}

}  // namespace tessera::detail
