// Process metrics read from /proc/self when /metrics is rendered, with the standard names
// Prometheus client libraries use.

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "obs/metrics.h"

namespace sapi::obs {
namespace {

struct ProcStat {
  double cpu_seconds = 0;
  double start_time_seconds = 0;
  double virtual_bytes = 0;
  double resident_bytes = 0;
  bool ok = false;
};

double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

ProcStat read_stat() {
  ProcStat s;
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return s;
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos) return s;
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string x; fields >> x;) f.push_back(x);
  // f[0] is field 3 (state): utime is field 14, stime 15, starttime 22, vsize 23, rss 24.
  if (f.size() < 22) return s;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  s.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  s.start_time_seconds = boot_time_seconds() + std::stod(f[19]) / ticks;
  s.virtual_bytes = std::stod(f[20]);
  s.resident_bytes = std::stod(f[21]) * page;
  s.ok = true;
  return s;
}

double open_fds() {
  std::error_code ec;
  double n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n > 0 ? n - 1 : 0;  // the iterator's own descriptor is not the process's
}

void sample(std::string& out, std::string_view name, std::string_view type, std::string_view help,
            double value) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
  out += name;
  out += ' ';
  append_number(out, value);
  out += '\n';
}

}  // namespace

std::function<void(std::string& out)> process_collector() {
  return [](std::string& out) {
    ProcStat s = read_stat();
    if (s.ok) {
      sample(out, "process_cpu_seconds_total", "counter",
             "Total user and system CPU time spent in seconds.", s.cpu_seconds);
      sample(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
             s.resident_bytes);
      sample(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
             s.virtual_bytes);
      sample(out, "process_start_time_seconds", "gauge",
             "Start time of the process since unix epoch in seconds.", s.start_time_seconds);
    }
    sample(out, "process_open_fds", "gauge", "Number of open file descriptors.", open_fds());
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      sample(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
             static_cast<double>(limit.rlim_cur));
    }
  };
}

}  // namespace sapi::obs
