#include "algorithms/berkeley/config.hpp"

namespace clocksim::berkeley {

namespace {
constexpr double kNsPerS = 1e9;
ParamSpec make_param(std::string name, ParamType type, ParamValue def, std::string doc) {
  ParamSpec p;
  p.name = std::move(name);
  p.type = type;
  p.default_value = std::move(def);
  p.doc = std::move(doc);
  return p;
}
ParamSpec duration_param(std::string name, Duration def, std::string doc, double min_s, double max_s) {
  ParamSpec p = make_param(std::move(name), ParamType::kDuration, def, std::move(doc));
  p.min = min_s * kNsPerS;
  p.max = max_s * kNsPerS;
  return p;
}
ParamSpec int_param(std::string name, std::int64_t def, std::string doc, double min, double max) {
  ParamSpec p = make_param(std::move(name), ParamType::kInt, def, std::move(doc));
  p.min = min;
  p.max = max;
  return p;
}
ParamSpec choice_param(std::string name, std::string def, std::string doc, std::vector<std::string> choices) {
  ParamSpec p = make_param(std::move(name), ParamType::kChoice, std::move(def), std::move(doc));
  p.choices = std::move(choices);
  return p;
}
}  // namespace

std::vector<ParamSpec> berkeley_params() {
  const BerkeleyConfig d;
  std::vector<ParamSpec> v;
  v.push_back(duration_param("period", d.period,
                             "time between sync rounds of the master (timed SAMPLEINTVL: 240 s)", 1e-3, 1e7));
  v.push_back(duration_param("first_round_delay", d.first_round_delay,
                             "delay from becoming master to the first round (4.3: 0, 4.4: 3 s)", 0, 1e7));
  v.push_back(int_param("probes", d.probes, "maximum time requests per slave and round (timed TRIALS: 10)", 1, 1000));
  v.push_back(int_param("good_replies", d.good_replies,
                        "stop measuring a slave after this many replies (timed MSGS: 5)", 1, 1000));
  v.push_back(duration_param("probe_timeout", d.probe_timeout,
                             "wait for one reply before sending the next probe (timed: 100 ms)", 1e-6, 60));
  v.push_back(duration_param("measure_cap", d.measure_cap,
                             "total time spent measuring one slave (timed 4.4: 3 s)", 1e-6, 600));
  v.push_back(choice_param("measurement", "timed",
                           "timed: min outbound and min inbound kept separately, delta=(min_out-min_in)/2; "
                           "cristian: keep the single exchange with the smallest round trip",
                           {"timed", "cristian"}));
  {
    ParamSpec p = make_param("round_trip_compensation", ParamType::kBool, d.round_trip_compensation, "false: naive, take the reply's timestamp as if it arrived instantly");
    v.push_back(p);
  }
  v.push_back(choice_param("average", "fault_tolerant",
                           "fault_tolerant: 4.3BSD largest window of width <= tolerance, ties to the higher "
                           "window, truncated mean; plain: mean of all; median: true median",
                           {"fault_tolerant", "plain", "median"}));
  v.push_back(duration_param("tolerance", d.tolerance,
                             "width of the fault-tolerant window (timed 4.3 RANGE: 20 ms)", 0, 1e7));
  v.push_back(duration_param("quantum", d.quantum,
                             "corrections rounded to a multiple of this, 4.3 rule (timed's 5 ms; 0: exact)", 0, 60));
  v.push_back(duration_param("resolution", d.resolution,
                             "deltas and the average truncated toward zero to this unit (timed's 1 ms; 0: exact)",
                             0, 60));
  v.push_back(duration_param("step_threshold", d.step_threshold,
                             "corrections at least this large are stepped, smaller ones slewed (timed MAXADJ: 20 s)",
                             0, 1e7));
  v.push_back(duration_param("slave_timeout", d.slave_timeout,
                             "a slave that hears no master this long notes master_silent (0: three periods)", 0,
                             1e7));
  v.push_back(duration_param("ack_timeout", d.ack_timeout,
                             "first wait for the ACK of a correction, doubled per retry (timed acksend: 200 ms)",
                             1e-6, 60));
  v.push_back(int_param("ack_tries", d.ack_tries, "sends of a correction before giving up (timed: 5)", 1, 20));
  {
    ParamSpec p = make_param("rate_correction", ParamType::kBool, d.rate_correction, "beyond timed: also send a frequency correction fitted by least squares over rate_window rounds");
    v.push_back(p);
  }
  v.push_back(int_param("rate_window", d.rate_window, "rounds in the rate fit (needs that many before the first)", 2,
                        1000));
  {
    ParamSpec p = make_param("max_rate_correction_ppm", ParamType::kDouble, d.max_rate_correction_ppm, "clamp on the frequency correction sent to a slave");
    p.min = 0;
    p.max = 1e6;
    v.push_back(p);
  }
  v.push_back(int_param("lost_host_rounds", d.lost_host_rounds,
                        "the master drops a slave from its host table after this many failed measurements or "
                        "unacknowledged corrections, until it announces itself again (timed 4.4 LOSTHOST: 3; 0: never)",
                        0, 1000));
  v.push_back(duration_param("settime_threshold", d.settime_threshold,
                             "corrections at least this large are sent as SETTIME, the master's corrected time, "
                             "instead of ADJTIME (timed 4.4: MAXADJ, 20 s; 0: never)",
                             0, 1e7));
  {
    ParamSpec p = make_param("trusted", ParamType::kNodeList, std::string(),
                             "node ids whose corrections a slave obeys (timed -F); a correction from another is "
                             "refused and answered with QUIT; empty: everyone is trusted");
    v.push_back(p);
  }
  return v;
}

BerkeleyConfig berkeley_config(const ParamSet& p) {
  BerkeleyConfig c;
  c.period = p.get_duration("period");
  c.first_round_delay = p.get_duration("first_round_delay");
  c.probes = p.get_int("probes");
  c.good_replies = p.get_int("good_replies");
  c.probe_timeout = p.get_duration("probe_timeout");
  c.measure_cap = p.get_duration("measure_cap");
  c.measurement = p.get_choice("measurement") == "cristian" ? MeasurementMethod::kCristian : MeasurementMethod::kTimed;
  c.round_trip_compensation = p.get_bool("round_trip_compensation");
  const std::string& avg = p.get_choice("average");
  c.average = avg == "plain" ? AverageRule::kPlain : avg == "median" ? AverageRule::kMedian : AverageRule::kFaultTolerant;
  c.tolerance = p.get_duration("tolerance");
  c.quantum = p.get_duration("quantum");
  c.resolution = p.get_duration("resolution");
  c.step_threshold = p.get_duration("step_threshold");
  c.slave_timeout = p.get_duration("slave_timeout");
  c.ack_timeout = p.get_duration("ack_timeout");
  c.ack_tries = p.get_int("ack_tries");
  c.rate_correction = p.get_bool("rate_correction");
  c.rate_window = p.get_int("rate_window");
  c.max_rate_correction_ppm = p.get_double("max_rate_correction_ppm");
  c.lost_host_rounds = p.get_int("lost_host_rounds");
  c.settime_threshold = p.get_duration("settime_threshold");
  c.trusted = p.get_node_list("trusted");
  return c;
}

}  // namespace clocksim::berkeley
