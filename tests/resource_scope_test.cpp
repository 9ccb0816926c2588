// Scopes at the Authenticator: Principal::has_scope, require_scopes (403 insufficient_scope
// naming the scopes), and required_scopes on every request.
#include "resource_fixture.hpp"

namespace tessera::test {
namespace {

class ResourceScope : public ResourceTest {};

TEST_F(ResourceScope, HasScopeIsAnExactMatch) {
  Principal p;
  p.scopes = {"orders:read", "profile"};
  EXPECT_TRUE(p.has_scope("orders:read"));
  EXPECT_FALSE(p.has_scope("orders"));
  EXPECT_FALSE(p.has_scope("orders:read profile"));
  EXPECT_FALSE(p.has_scope(""));
}

TEST_F(ResourceScope, RequireScopesRefusesWith403NamingTheScopes) {
  const auto a = authenticator();
  const auto p = bearer(a, jwt()).value();
  const std::vector<std::string> ok{"orders:read"}, missing{"orders:read", "orders:write"};
  EXPECT_TRUE(a.require_scopes(p, ok).has_value());
  EXPECT_TRUE(a.require_scopes(p, {}).has_value());
  const auto r = a.require_scopes(p, missing);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().status, 403u);
  EXPECT_EQ(r.error().error.code, Errc::insufficient_scope);
  EXPECT_EQ(r.error().www_authenticate,
            "Bearer error=\"insufficient_scope\", error_description=\"The access token lacks a required scope\", "
            "scope=\"orders:read orders:write\"");
}

TEST_F(ResourceScope, RequiredScopesApplyToEveryRequest) {
  auto o = options();
  o.required_scopes = {"orders:write"};
  expect_refused(bearer(authenticator(o), jwt()), 403, Errc::insufficient_scope);
  auto c = claims();
  c.scope = "orders:write";
  EXPECT_TRUE(bearer(authenticator(o), jwt(c)).has_value());
}

}  // namespace
}  // namespace tessera::test
