// The consent and error pages (server/routes/oauth_pages.hpp), from the page templates.
#include "server/routes/oauth_pages.hpp"

#include <string>
#include <utility>

#include "server/error_table.hpp"
#include "server/pages.hpp"
#include "server/response.hpp"

namespace tessera::server {

Response consent_page(const AuthorizeResult& r, const Params& query, std::string_view user,
                      std::string_view csrf_token) {
  mstch::array scopes;
  for (const auto& s : r.scopes) scopes.push_back(mstch::map{{"name", s}});
  mstch::array fields;
  for (const auto& [name, value] : query) fields.push_back(mstch::map{{"name", name}, {"value", value}});
  const mstch::map context{{"client_name", r.client_name},
                           {"user", std::string(user)},
                           {"scopes", std::move(scopes)},
                           {"fields", std::move(fields)},
                           {"csrf_token", std::string(csrf_token)}};
  return page_response(http::status::ok, Page::consent, context);
}

Response error_page(const AppContext& ctx, Exchange& x, http::status status, const Error& e) {
  note_error(ctx, x, e);
  const PublicError pe = public_error(e.code);
  return page_response(status, Page::error,
                       mstch::map{{"error", std::string(pe.code)}, {"message", std::string(pe.message)}});
}

}  // namespace tessera::server
