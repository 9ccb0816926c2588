// Principal's scope check (tessera/authenticator.hpp).
#include <algorithm>

#include "tessera/authenticator.hpp"

namespace tessera {

bool Principal::has_scope(std::string_view scope) const {
  return !scope.empty() && std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

}  // namespace tessera
