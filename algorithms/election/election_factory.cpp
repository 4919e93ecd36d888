#include "algorithms/election/election_factory.hpp"

#include "algorithms/registry.hpp"

namespace clocksim::election {

const std::vector<ElectionKind>& election_kinds() {
  static const std::vector<ElectionKind> kKinds = [] {
    std::vector<ElectionKind> kinds;
    for (const auto& r : algorithms::registrations()) {
      if (r.info.layer == algorithms::Layer::kElection) kinds.push_back({r.info.kind, r.info.summary, &r.info.params});
    }
    return kinds;
  }();
  return kKinds;
}

std::unique_ptr<ElectionLayer> make_election(const std::string& kind, const ElectionSetup& setup) {
  const auto* r = algorithms::find_registration(kind, algorithms::Layer::kElection);
  return r ? r->make_election(setup) : nullptr;
}

}  // namespace clocksim::election
