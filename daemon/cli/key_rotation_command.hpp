// clocksyncctl keygen --rotate / --activate / --retire (node/wire/keyring.hpp has the procedure).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/core/ids.hpp"

namespace clocksim::daemon {

enum class RotationStep {
  kRotate,    // add accept-only pair keys with a new key id
  kActivate,  // sign with the newest id
  kRetire,    // keep only the newest id
};

// Changes the keyrings node<ID>.keys in `dir` of the members `ids` (sorted, at least two) by one
// step of a rotation; `new_key_id` (else one above the highest id any of them holds) is the id
// kRotate adds. `dir` must be fit for keys (key_folder.hpp), every file must hold pair keys for
// every other member, and the step must follow the one before it in every file. All files change
// or none: a failure part-way puts back the ones already changed. Prints the changed paths;
// returns the exit code (0, 1 when a file cannot be changed, 2 when the files do not allow it).
int rotate_key_files(const std::vector<NodeId>& ids, const std::string& dir, RotationStep step,
                     std::optional<std::uint32_t> new_key_id);

}  // namespace clocksim::daemon
