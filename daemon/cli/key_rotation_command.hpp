// clocksyncctl keygen --rotate / --retire (node/wire/keyring.hpp, keep_key_id, has the procedure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/core/ids.hpp"

namespace clocksim::daemon {

// Changes the keyrings node<ID>.keys in `dir` of the members `ids` (sorted, at least two): adds
// pair keys with a new key id (`new_key_id`, else one above the highest id any of them holds),
// or with `retire` keeps only the highest id. Every file must hold pair keys for every other
// member. All files change or none: a failure part-way puts back the ones already changed.
// Prints the changed paths; returns the exit code (0, 1 when a file cannot be changed, 2 when
// the files do not allow it).
int rotate_key_files(const std::vector<NodeId>& ids, const std::string& dir, bool retire,
                     std::optional<std::uint32_t> new_key_id);

}  // namespace clocksim::daemon
