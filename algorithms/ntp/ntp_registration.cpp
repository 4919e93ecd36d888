#include "algorithms/ntp/config.hpp"
#include "algorithms/ntp/ntp.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration ntp_registration() {
  AlgorithmRegistration r;
  r.info = {"ntp", Layer::kSync,
            "NTP (RFC 5905): clock filter, selection, clustering, combining and the PLL/FLL discipline; strata "
            "from reference clocks",
            ntp::ntp_params()};
  r.info.check_params = [](const ParamSet& p) -> std::optional<ParamConflict> {
    const std::int64_t minpoll = p.get_int("minpoll"), maxpoll = p.get_int("maxpoll");
    if (maxpoll >= minpoll) return std::nullopt;
    return ParamConflict{{"maxpoll", "minpoll"},
                         "maxpoll " + std::to_string(maxpoll) + " is below minpoll " + std::to_string(minpoll) +
                             ": the longest poll interval (2^maxpoll s) cannot be shorter than the shortest"};
  };
  // Led only: a node's configured servers and reference clock win (Ntp::follow); one given
  // neither polls the leader, with no election named the static election's (the lowest id).
  r.make_led = [](const StackSetup& s) {
    return std::make_unique<ntp::Ntp>(s.membership, ntp::ntp_config(s.sync.params),
                                      ntp::NtpHost{s.servers, s.reference_clock}, s.seed);
  };
  r.bound = BoundDeclaration::none(
      "NTP has no a-priori skew bound: RFC 5905 bounds each clock's error only at run time, by its root "
      "distance (root delay / 2 + root dispersion), and only while path asymmetry stays within it");
  return r;
}

}  // namespace clocksim::algorithms::registrations
