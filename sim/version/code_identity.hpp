// Which clocksim this is: the release version, and the identity of the simulation code it was
// built from (cmake/code_identity.cmake), 16 hex digits that change whenever a source that can
// change a run's outputs, the compiler or its flags change. Two builds with one identity write
// the same bytes for the same scenario and seed.
#pragma once

namespace clocksim::sim {

const char* release_version();
const char* code_identity();

}  // namespace clocksim::sim
