// End-to-end in a browser: the page `contend report` writes, opened by headless Chromium from
// a file:// URL with the network off. The rendered DOM must hold one <svg> per chart, and a
// screenshot must show the charts: not blank, with the series' colours on it.
//
// Chromium forks helpers (zygote, renderer, GPU process), so it runs in a process group of its
// own, under a time limit, and the whole group is killed when it is done or out of time: no
// process outlives the test (NoLeftoversTest checks, through the tag in their environment).
// Labelled `browser` in ctest (tests/CMakeLists.txt), so a run can leave it out: ctest -LE browser.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <thread>

#include "tests/run_binary.hpp"

namespace contend::test {
namespace {

namespace fs = std::filesystem;

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr double kChromiumLimitS = 60;

struct ProgramOutput {
  bool finished = false;  // false: killed at the time limit
  int exit_code = -1;
  std::string out;
  std::string err;
  double seconds = 0;
};

// Runs `argv` in a new process group with this test's tag in its environment; kills the whole
// group when the program exits (helpers it left behind) or when `limit_s` runs out.
ProgramOutput run_in_own_group(const std::vector<std::string>& argv, double limit_s) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) return {};
  const std::string tag = process_tag();
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    std::vector<std::string> copy = argv;
    std::vector<char*> args;
    for (auto& a : copy) args.push_back(a.data());
    args.push_back(nullptr);
    putenv(const_cast<char*>(tag.c_str()));
    execv(args[0], args.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also here, so the group exists before either side goes on
  close(out_pipe[1]);
  close(err_pipe[1]);
  ProgramOutput r;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int status = 0;
  const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  while (true) {
    // Helpers may hold the pipes open after the browser exits, so the end is the browser's
    // exit, not end of file.
    if (waitpid(pid, &status, WNOHANG) == pid) {
      r.finished = true;
      break;
    }
    if (elapsed() > limit_s) break;
    if (poll(fds, 2, 50) <= 0) continue;
    for (auto& f : fds) {
      if (f.fd < 0 || (f.revents & (POLLIN | POLLHUP)) == 0) continue;
      char buf[65536];
      const ssize_t n = read(f.fd, buf, sizeof(buf));
      if (n <= 0) {
        close(f.fd);
        f.fd = -1;
        continue;
      }
      (f.fd == out_pipe[0] ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
    }
  }
  kill(-pid, SIGKILL);
  if (!r.finished) waitpid(pid, &status, 0);
  // The helpers die asynchronously; wait until the group is empty (they are not our children,
  // so init reaps them).
  for (int i = 0; i < 500 && kill(-pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // What was written before the exit and is still in the pipes.
  for (auto& f : fds) {
    if (f.fd < 0) continue;
    fcntl(f.fd, F_SETFL, O_NONBLOCK);
    char buf[65536];
    ssize_t n;
    while ((n = read(f.fd, buf, sizeof(buf))) > 0) (f.fd == out_pipe[0] ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
    close(f.fd);
  }
  r.exit_code = r.finished && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.seconds = elapsed();
  return r;
}

std::vector<std::string> chromium_command(const fs::path& profile, const std::vector<std::string>& action,
                                          const std::string& url) {
  std::vector<std::string> command = {kChromium,
                                      "--headless",
                                      "--no-sandbox",
                                      "--disable-gpu",
                                      "--disable-quic",
                                      "--no-first-run",
                                      "--disable-background-networking",
                                      "--disable-component-update",
                                      "--disable-sync",
                                      "--user-data-dir=" + profile.string()};
  command.insert(command.end(), action.begin(), action.end());
  command.push_back(url);
  return command;
}

// Decodes the PNG (8-bit RGB or RGBA, as Chromium writes it) and prints: width, height, the
// number of distinct colours, the share of pixels that are not near-white, and how many
// pixels are close to each colour asked for. python3 is installed by scripts/setup.sh.
constexpr const char* kPngStats = R"py(
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
pos, idat = 8, b''
while pos < len(data):
    length, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b'IHDR':
        width, height, depth, colour = struct.unpack('>IIBB', body[:10])
    elif kind == b'IDAT':
        idat += body
    pos += 12 + length
assert depth == 8 and colour in (2, 6), 'unexpected PNG format'
bpp = 3 if colour == 2 else 4
raw = zlib.decompress(idat)
stride = width * bpp
previous = bytearray(stride)
colours, nonwhite = set(), 0
targets = [tuple(int(t[i:i + 2], 16) for i in (0, 2, 4)) for t in sys.argv[2:]]
near = [0] * len(targets)
for y in range(height):
    start = y * (stride + 1)
    kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = previous[i]
        c = previous[i - bpp] if i >= bpp else 0
        if kind == 1: line[i] = (line[i] + a) & 255
        elif kind == 2: line[i] = (line[i] + b) & 255
        elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    previous = line
    for x in range(0, stride, bpp):
        rgb = (line[x], line[x + 1], line[x + 2])
        colours.add(rgb)
        if min(rgb) < 235: nonwhite += 1
        for k, t in enumerate(targets):
            if abs(rgb[0] - t[0]) + abs(rgb[1] - t[1]) + abs(rgb[2] - t[2]) < 30: near[k] += 1
print(width, height, len(colours), nonwhite / (width * height), *near)
)py";

using ReportRender = NoLeftoversTest;

TEST_F(ReportRender, ChromiumDrawsEveryChart) {
  ASSERT_TRUE(fs::exists(kChromium)) << kChromium << " is missing: run ./scripts/setup.sh (it installs chromium)";
  TempDir dir;
  const RunOutput run = run_contend({"run", "lock", "-p", "std-mutex,ttas", "-w", "1,2", "-d", "20ms", "--warmup",
                                     "5ms", "-r", "2", "-o", dir.path().string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const fs::path page = dir.path() / "report.html";
  const RunOutput report = run_contend({"report", (dir.path() / "results.json").string(), "-o", page.string()});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  const std::string url = "file://" + page.string();

  // The DOM as Chromium built it: the page parsed, every chart an <svg> element.
  const ProgramOutput dom = run_in_own_group(
      chromium_command(dir.path() / "profile-dom", {"--dump-dom"}, url), kChromiumLimitS);
  ASSERT_TRUE(dom.finished) << "chromium --dump-dom did not finish in " << kChromiumLimitS << " s";
  ASSERT_EQ(dom.exit_code, 0) << dom.err.substr(dom.err.size() > 2000 ? dom.err.size() - 2000 : 0);
  std::size_t svgs = 0;
  for (std::size_t at = dom.out.find("<svg "); at != std::string::npos; at = dom.out.find("<svg ", at + 1)) ++svgs;
  EXPECT_EQ(svgs, 5u) << "throughput, latency, fairness and CPU charts of the lock scenario, and latency at the "
                         "other worker count, small";
  EXPECT_NE(dom.out.find("<polyline"), std::string::npos);

  const fs::path shot = dir.path() / "shot.png";
  const ProgramOutput screenshot = run_in_own_group(
      chromium_command(dir.path() / "profile-shot", {"--screenshot=" + shot.string(), "--window-size=1200,2400"}, url),
      kChromiumLimitS);
  ASSERT_TRUE(screenshot.finished) << "chromium --screenshot did not finish in " << kChromiumLimitS << " s";
  ASSERT_TRUE(fs::exists(shot)) << screenshot.err.substr(screenshot.err.size() > 2000 ? screenshot.err.size() - 2000 : 0);
  std::cout << fmt::format("chromium: --dump-dom {:.1f} s, --screenshot {:.1f} s\n", dom.seconds, screenshot.seconds);

  // std-mutex and ttas are the first two primitives: the palette's blue and vermillion.
  const ProgramOutput stats =
      run_in_own_group({"/usr/bin/python3", "-c", kPngStats, shot.string(), "0072B2", "D55E00"}, 120);
  ASSERT_EQ(stats.exit_code, 0) << "python3 could not read the screenshot (run ./scripts/setup.sh): " << stats.err;
  std::cout << "screenshot (width, height, colours, share not white, blue pixels, vermillion pixels): " << stats.out;
  std::istringstream in(stats.out);
  int width = 0, height = 0;
  std::size_t colours = 0, blue = 0, vermillion = 0;
  double nonwhite = 0;
  in >> width >> height >> colours >> nonwhite >> blue >> vermillion;
  EXPECT_EQ(width, 1200);
  EXPECT_EQ(height, 2400);
  EXPECT_GE(colours, 50u) << "a blank or near-blank page";
  EXPECT_GT(nonwhite, 0.02) << "almost nothing drawn";
  EXPECT_GT(blue, 200u) << "std-mutex's lines are not on the screenshot";
  EXPECT_GT(vermillion, 200u) << "ttas's lines are not on the screenshot";
}

}  // namespace
}  // namespace contend::test
