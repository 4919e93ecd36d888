// A process locale whose decimal separator is ',' and whose thousands separator is '.', as a
// program embedding clocksim may set it (the Python module in an interpreter where
// locale.setlocale ran, a GUI toolkit, a C++ host calling std::locale::global): both the C
// library's (printf, strtod) and the C++ global locale (streams) are switched while an object of
// this type lives. The locale is compiled from glibc's sources (Debian's `locales` package) into a
// scratch folder with localedef, so that no system locale has to be generated; without them the
// test fails saying what to install.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <locale>
#include <string>

namespace clocksim::testing {

class CommaLocale {
 public:
  static constexpr const char* kName = "de_DE.UTF-8";

  CommaLocale() {
    prepare();
    if (std::setlocale(LC_ALL, kName) == nullptr) {
      ADD_FAILURE() << "setlocale(LC_ALL, \"" << kName << "\") failed with LOCPATH=" << std::getenv("LOCPATH");
      return;
    }
    std::locale::global(std::locale(kName));
    active_ = true;
  }
  ~CommaLocale() {
    std::setlocale(LC_ALL, "C");
    std::locale::global(std::locale::classic());
  }
  CommaLocale(const CommaLocale&) = delete;
  CommaLocale& operator=(const CommaLocale&) = delete;

  // Whether the locale is in force: a test that compares outputs asserts it, so that a missing
  // locale fails instead of comparing two runs in the "C" locale.
  bool active() const { return active_; }

 private:
  // Compiles the locale once a process, into a folder of its own (removed at exit), and points
  // glibc at it.
  static void prepare() {
    struct Folder {
      std::filesystem::path dir =
          std::filesystem::temp_directory_path() / ("clocksim_comma_locale_" + std::to_string(::getpid()));
      Folder() {
        std::filesystem::create_directories(dir);
        const std::string command = "localedef -i de_DE -f UTF-8 '" + (dir / kName).string() + "' >/dev/null 2>&1";
        const int status = std::system(command.c_str());
        if (status != 0 || !std::filesystem::exists(dir / kName)) {
          ADD_FAILURE() << "could not compile the " << kName << " locale with localedef (exit " << status
                        << "): install Debian's 'locales' package (scripts/install-deps.sh installs it)";
        }
      }
      ~Folder() {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
      }
    };
    static const Folder folder;
    ::setenv("LOCPATH", folder.dir.c_str(), 1);
  }

  bool active_ = false;
};

}  // namespace clocksim::testing
