// "Did you mean ...?" (config/suggest.hpp), under the names the scenario loader uses.
#pragma once

#include "config/suggest.hpp"

namespace clocksim::scenario {
using config::closest_match;
using config::did_you_mean;
using config::edit_distance;
using config::join;
}  // namespace clocksim::scenario
