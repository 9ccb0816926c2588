// Internal name of the public RFC 3339 header (include/tessera/rfc3339.hpp).
#pragma once

#include "tessera/rfc3339.hpp"
