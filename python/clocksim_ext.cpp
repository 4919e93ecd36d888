// The C++ half of the `clocksim` Python package (python/clocksim/__init__.py is the other): load
// and run scenarios in-process, returning every output file's text. The Python half turns the
// text into DataFrames, so the numbers are, by construction, the bytes `clocksim run` writes.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "algorithms/core/c_locale_stream.hpp"
#include "sim/output/memory_room.hpp"
#include "sim/output/output_folder.hpp"
#include "sim/network/topology_cache.hpp"
#include "sim/run/float_environment.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/sweep/sweep_lock.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_run_scenario.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "sim/version/code_identity.hpp"

namespace py = pybind11;
using namespace clocksim;

namespace {

// Text from the engine as Python str. It may quote a file name, and a file name on Linux need not
// be UTF-8 (Python passes such a path on as the bytes os.fsencode makes): an invalid byte shows as
// \xNN instead of making the text itself fail to convert.
py::str text_of(const std::string& text) {
  PyObject* str = PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "backslashreplace");
  if (str == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(str);
}

// Raises the module's exception `name` (or a built-in one) with an engine message, as text_of
// decodes it.
void raise_with(PyObject* type, const char* message) {
  const py::str text = text_of(message);
  PyErr_SetObject(type, text.ptr());
}

scenario::LoadOptions load_options(const std::vector<std::string>& overrides, std::optional<std::uint64_t> seed) {
  scenario::LoadOptions options;
  options.set_overrides = overrides;
  // Like `clocksim run --seed`: the seed override comes after every --set.
  if (seed) options.set_overrides.push_back("seed=" + std::to_string(*seed));
  return options;
}

struct RunResult {
  std::map<std::string, std::string> files;  // file name -> text, as `clocksim run` writes it
  bool passed = true;
  std::string report;  // the lines `clocksim run` prints about each expectation
};

// Lets Ctrl-C (or any signal Python handles) through a long run: asked between slices of a run
// while the GIL is released, it runs Python's signal handlers on the main thread, and a handler
// that raises (KeyboardInterrupt) stops the run; the caller then re-raises the Python error.
// Once one run is told to stop, `stop` tells every other run of a sweep.
std::function<bool()> python_signals_stop(std::atomic<bool>& stop) {
  return [&stop, main = std::this_thread::get_id()] {
    if (stop.load()) return true;
    if (std::this_thread::get_id() != main) return false;
    py::gil_scoped_acquire locked;
    if (PyErr_CheckSignals() != 0) stop = true;
    return stop.load();
  };
}

RunResult run_spec(const scenario::ScenarioSpec& spec, sim::TopologyCache& topologies) {
  // The files are kept in memory, not written to a folder whose free space `clocksim run` checks:
  // a run that cannot fit is refused before it starts, not when an allocation fails or the kernel
  // kills the interpreter with everything in it.
  try {
    sim::check_memory_room(spec);
  } catch (const std::runtime_error& e) {
    raise_with(PyExc_MemoryError, e.what());
    throw py::error_already_set();
  }
  RunResult result;
  sim::MemoryFolder folder;
  sim::RunOptions options;
  options.folder = &folder;
  options.topologies = &topologies;
  std::atomic<bool> stop{false};
  options.should_stop = python_signals_stop(stop);
  CLocaleStream report;
  try {
    py::gil_scoped_release unlocked;  // a long run must not block other Python threads
    result.passed = sim::run_scenario(spec, options, report).expectations_passed;
  } catch (const sim::RunStopped&) {
    throw py::error_already_set();  // the exception the signal handler raised
  }
  result.files = folder.take_files();
  result.report = report.str();
  return result;
}

// The topology file, if any, is read once: for the loader's check and for the run.
RunResult run_file(const std::string& path, const std::vector<std::string>& overrides, std::optional<std::uint64_t> seed) {
  const sim::DefaultFloatEnvironment float_environment;  // whatever the interpreter's libraries set
  sim::TopologyCache topologies;
  scenario::LoadOptions options = load_options(overrides, seed);
  options.topologies = &topologies;
  return run_spec(scenario::load_scenario_file(path, options), topologies);
}

RunResult run_text(const std::string& yaml, const std::string& name, const std::vector<std::string>& overrides,
                   std::optional<std::uint64_t> seed) {
  const sim::DefaultFloatEnvironment float_environment;
  sim::TopologyCache topologies;
  scenario::LoadOptions options = load_options(overrides, seed);
  options.topologies = &topologies;
  return run_spec(scenario::load_scenario_text(yaml, name, options), topologies);
}

void validate_file(const std::string& path, const std::vector<std::string>& overrides) {
  const sim::DefaultFloatEnvironment float_environment;
  scenario::load_scenario_file(path, load_options(overrides, std::nullopt));
}

// Runs a sweep file into out_dir (resumable, as `clocksim sweep`); returns sweep.csv's text and
// the runs that failed to complete.
std::pair<std::string, std::vector<std::string>> sweep_report(const std::string& path, const std::string& out_dir,
                                                            unsigned jobs) {
  const sim::DefaultFloatEnvironment float_environment;
  sweep::SweepSpec spec = sweep::load_sweep_file(path);
  const std::vector<sweep::PlannedRun> runs = sweep::plan_sweep(spec);
  sim::TopologyCache topologies;  // a topology file is read once for the whole sweep
  auto load_run = [&spec, &topologies](const sweep::PlannedRun& run) {
    return sweep::load_run_scenario(spec, run, topologies);
  };
  // Every combination valid before any runs; the files they read go into the sweep's record.
  for (const sweep::PlannedRun& run : runs) sweep::note_input_files(spec, load_run(run));
  sweep::SweepReport report;
  std::atomic<bool> stop{false};
  const std::function<bool()> should_stop = python_signals_stop(stop);
  try {
    py::gil_scoped_release unlocked;
    CLocaleStream progress;
    if (jobs > sweep::kMaxSweepJobs) throw py::value_error("jobs must be at most " + std::to_string(sweep::kMaxSweepJobs));
    report = sweep::run_sweep(spec, runs, {out_dir, jobs, false, {}, std::nullopt},
                              [&](const sweep::PlannedRun& run, const std::string& run_dir) {
                                sim::RunOptions options;
                                options.out_dir = run_dir;
                                options.quiet = true;
                                options.topologies = &topologies;
                                options.should_stop = should_stop;
                                CLocaleStream ignored;
                                sim::run_scenario(load_run(run), options, ignored);
                              },
                              progress);
  } catch (const sim::RunStopped&) {
    throw py::error_already_set();
  }
  std::ifstream in(out_dir + "/sweep.csv", std::ios::binary);
  CLocaleStream csv;
  csv << in.rdbuf();
  return {csv.str(), report.failures};
}

py::tuple sweep_file(const std::string& path, const std::string& out_dir, unsigned jobs) {
  const auto [csv, failures] = sweep_report(path, out_dir, jobs);
  py::list failed;
  for (const std::string& f : failures) failed.append(text_of(f));
  return py::make_tuple(text_of(csv), failed);
}

}  // namespace

PYBIND11_MODULE(_clocksim, m) {
  m.doc() = "clocksim's engine, in-process (use the `clocksim` package, not this module)";
  m.attr("version") = sim::release_version();
  m.attr("code_identity") = sim::code_identity();
  // The module's errors, raised with the engine's message as text_of decodes it; any other C++
  // exception whose message is valid UTF-8 goes on to pybind11's own translation.
  const py::exception<scenario::ScenarioError> scenario_error(m, "ScenarioError", PyExc_ValueError);
  const py::exception<sweep::SweepError> sweep_error(m, "SweepError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown) std::rethrow_exception(thrown);
    } catch (const scenario::ScenarioError& e) {
      raise_with(py::module_::import("clocksim._clocksim").attr("ScenarioError").ptr(), e.what());
    } catch (const sweep::SweepError& e) {
      raise_with(py::module_::import("clocksim._clocksim").attr("SweepError").ptr(), e.what());
    } catch (const sweep::SweepFolderError& e) {
      // An --out folder that cannot be used (in the way, or holding another sweep's or another
      // build's runs): the caller's to resolve, as the command line's exit 2 says.
      raise_with(py::module_::import("clocksim._clocksim").attr("SweepError").ptr(), e.what());
    } catch (const std::exception& e) {
      const std::string_view message = e.what();
      PyObject* strict = PyUnicode_DecodeUTF8(message.data(), static_cast<Py_ssize_t>(message.size()), nullptr);
      if (strict != nullptr) {
        Py_DECREF(strict);
        throw;
      }
      PyErr_Clear();
      raise_with(PyExc_RuntimeError, e.what());
    }
  });
  py::class_<RunResult>(m, "RunResult")
      // Text files as str; a compressed one (output.compress: gzip) as the bytes it holds.
      .def_property_readonly("files",
                             [](const RunResult& r) {
                               py::dict files;
                               for (const auto& [name, content] : r.files) {
                                 const bool binary = name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0;
                                 if (binary) {
                                   files[py::str(name)] = py::bytes(content);
                                 } else {
                                   files[py::str(name)] = py::str(content);
                                 }
                               }
                               return files;
                             })
      .def_readonly("passed", &RunResult::passed)
      .def_property_readonly("report", [](const RunResult& r) { return text_of(r.report); });
  m.def("run_file", &run_file, py::arg("path"), py::arg("overrides"), py::arg("seed"));
  m.def("run_text", &run_text, py::arg("yaml"), py::arg("name"), py::arg("overrides"), py::arg("seed"));
  m.def("validate_file", &validate_file, py::arg("path"), py::arg("overrides"));
  m.def("sweep_file", &sweep_file, py::arg("path"), py::arg("out_dir"), py::arg("jobs"));
}
