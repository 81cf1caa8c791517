// Names the calling thread (visible in top -H, /proc/PID/task/*/comm and debuggers), as
// docs/design.md lists them. At most 15 characters. Thread-safe.
#ifndef BOTMON_CORE_THREAD_NAME_H_
#define BOTMON_CORE_THREAD_NAME_H_

#include <pthread.h>

namespace botmon {

inline void SetThreadName(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace botmon

#endif  // BOTMON_CORE_THREAD_NAME_H_
