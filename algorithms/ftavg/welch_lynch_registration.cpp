#include "algorithms/ftavg/welch_lynch.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration welch_lynch_registration() {
  AlgorithmRegistration r;
  r.info = {"welch_lynch", Layer::kSync,
            "fault-tolerant averaging: read every peer, drop the f highest and lowest, move to the midpoint or mean "
            "(Welch & Lynch; Lundelius & Lynch)",
            ftavg::welch_lynch_params()};
  // Every node is a peer, so alone or under an election it runs the same way.
  r.make_alone = [](const StackSetup& s) {
    return std::make_unique<ftavg::WelchLynch>(s.membership, ftavg::welch_lynch_config(s.sync.params));
  };
  r.make_led = [](const StackSetup& s) {
    return std::make_unique<ftavg::WelchLynch>(s.membership, ftavg::welch_lynch_config(s.sync.params));
  };
  r.bound = BoundDeclaration::hook();  // sim/bound/welch_lynch_bound_hook.cpp
  return r;
}

}  // namespace clocksim::algorithms::registrations
