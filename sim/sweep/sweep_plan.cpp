#include "sim/sweep/sweep_plan.hpp"

#include <map>

#include "sim/sweep/run_folder_name.hpp"

namespace clocksim::sweep {
namespace {

// Short label per parameter: its last path component, or the whole path when two parameters
// share the last component (clocks.drift_ppm.max vs links.x.max).
std::vector<std::string> short_names(const std::vector<SweepParameter>& matrix) {
  std::map<std::string, int> count;
  auto last = [](const std::string& path) {
    const auto dot = path.rfind('.');
    return dot == std::string::npos ? path : path.substr(dot + 1);
  };
  for (const SweepParameter& p : matrix) ++count[last(p.path)];
  std::vector<std::string> out;
  for (const SweepParameter& p : matrix) out.push_back(count[last(p.path)] > 1 ? p.path : last(p.path));
  return out;
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+=/:,") ==
                        std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::vector<PlannedRun> plan_sweep(const SweepSpec& spec) {
  const std::vector<std::string> names = short_names(spec.matrix);
  const std::vector<std::optional<std::uint64_t>> seeds = [&] {
    std::vector<std::optional<std::uint64_t>> s(spec.seeds.begin(), spec.seeds.end());
    if (s.empty()) s.emplace_back(std::nullopt);
    return s;
  }();
  std::size_t combos = 1;
  for (const SweepParameter& p : spec.matrix) combos *= p.values.size();

  std::vector<PlannedRun> runs;
  runs.reserve(combos * seeds.size());
  std::vector<std::size_t> digit(spec.matrix.size(), 0);  // odometer over the matrix, last fastest
  for (std::size_t c = 0; c < combos; ++c) {
    for (const auto& seed : seeds) {
      PlannedRun run;
      run.index = runs.size();
      run.overrides.insert(run.overrides.end(), spec.fixed_overrides.begin(), spec.fixed_overrides.end());
      for (std::size_t i = 0; i < spec.matrix.size(); ++i) {
        const std::string& value = spec.matrix[i].values[digit[i]];
        run.values.push_back(value);
        run.overrides.push_back(spec.matrix[i].path + "=" + value);
      }
      if (seed) {
        run.seed = seed;
        run.overrides.push_back("seed=" + std::to_string(*seed));
      }
      // Last, so that a `set:` or matrix value replacing the whole output mapping cannot bring
      // trace.csv back (the spec refuses one that names output.trace itself).
      if (!spec.traces) run.overrides.push_back("output.trace=false");
      run.folder = run_folder_name(names, run.values, seed ? std::to_string(*seed) : "");
      runs.push_back(std::move(run));
    }
    for (std::size_t i = spec.matrix.size(); i-- > 0;) {
      if (++digit[i] < spec.matrix[i].values.size()) break;
      digit[i] = 0;
    }
  }

  // Values that differ only in sanitized characters ("1ms" vs "1 ms") would share a folder.
  std::map<std::string, int> uses;
  for (const PlannedRun& r : runs) ++uses[r.folder];
  for (PlannedRun& r : runs) {
    if (uses[r.folder] > 1) {
      std::string key;
      for (const std::string& o : r.overrides) key += o + '\n';
      r.folder += "~" + stable_tag(key);
    }
  }
  return runs;
}

std::string equivalent_run_command(const SweepSpec& spec, const PlannedRun& run, const std::string& out_dir) {
  std::string cmd = "clocksim run " + shell_quote(spec.base_scenario);
  for (const std::string& o : run.overrides) cmd += " --set " + shell_quote(o);
  return cmd + " --out " + shell_quote(out_dir + "/" + run.folder);
}

}  // namespace clocksim::sweep

namespace clocksim::sweep {

std::string describe_run_error(const SweepSpec& spec, const PlannedRun& run, const config::ConfigError& error) {
  const std::string generic = spec.source_file + ": run " + run.folder + ": " + error.what();
  constexpr std::string_view kSet = "--set ";
  if (!error.file().starts_with(kSet)) return generic;
  const std::string assignment = error.file().substr(kSet.size());
  auto at = [&](const std::string& key, const std::string& value, const SweepOrigin& origin) -> std::string {
    const std::string scenario_key =
        error.key_path().empty() || key.ends_with("." + error.key_path()) ? "" : "; in the scenario at '" + error.key_path() + "'";
    const SweepError located(spec.source_file, origin.line, origin.column, key,
                             "value '" + value + "' (run " + run.folder + scenario_key + "): " + error.message());
    return located.what();
  };
  for (std::size_t i = 0; i < spec.fixed_overrides.size() && i < spec.fixed_origins.size(); ++i) {
    if (spec.fixed_overrides[i] != assignment) continue;
    const std::string& text = spec.fixed_overrides[i];
    const auto eq = text.find('=');
    return at("set." + text.substr(0, eq), text.substr(eq + 1), spec.fixed_origins[i]);
  }
  for (std::size_t i = 0; i < spec.matrix.size() && i < run.values.size(); ++i) {
    const SweepParameter& p = spec.matrix[i];
    if (p.path + "=" + run.values[i] != assignment) continue;
    for (std::size_t j = 0; j < p.values.size() && j < p.origins.size(); ++j) {
      if (p.values[j] == run.values[i]) return at("matrix." + p.path, run.values[i], p.origins[j]);
    }
  }
  return generic;
}

}  // namespace clocksim::sweep
