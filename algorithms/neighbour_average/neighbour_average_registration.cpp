#include "algorithms/neighbour_average/neighbour_average.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration neighbour_average_registration() {
  AlgorithmRegistration r;
  r.info = {"neighbour_average", Layer::kSync,
            "every period, read each neighbour's clock (Cristian's estimate) and move to the mean of them and "
            "your own (the example of docs/extending.md)",
            neighbour_average::neighbour_average_params()};
  auto make = [](const StackSetup& s) {
    return std::make_unique<neighbour_average::NeighbourAverage>(
        s.membership, s.neighbours, neighbour_average::neighbour_average_config(s.sync.params));
  };
  // Every node averages alike, so alone or under an election it runs the same way.
  r.make_alone = make;
  r.make_led = make;
  r.bound = BoundDeclaration::none(
      "neighbour_average has no worst-case bound model: it tolerates no liar, and how fast it pulls the clocks "
      "together depends on the topology's spectral gap, which no bound model here computes");
  return r;
}

}  // namespace clocksim::algorithms::registrations
