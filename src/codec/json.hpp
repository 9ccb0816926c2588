// Internal name of the public strict JSON header (include/tessera/json.hpp).
#pragma once

#include "tessera/json.hpp"
