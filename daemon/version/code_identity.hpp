// Which clocksyncd this is: the release version, and the identity of the code it was built from
// (cmake/code_identity.cmake): 16 hex digits that change whenever a source of the daemon, of the
// algorithms or of the node stack, the compiler or its flags change. `clocksyncd --version` and
// `clocksyncctl --version` print it, so that the members of a cluster can be told apart by build.
#pragma once

namespace clocksim::daemon {

const char* release_version();
const char* code_identity();

}  // namespace clocksim::daemon
