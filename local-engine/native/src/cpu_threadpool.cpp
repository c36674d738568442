#include "cpu_threadpool.h"

namespace switchyard {

bool CpuThreadpool::create(int32_t threads, uint32_t poll) {
  reset();
  ggml_backend_dev_t cpu = api().ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU);
  if (cpu == nullptr) return false;
  ggml_backend_reg_t reg = api().ggml_backend_dev_backend_reg(cpu);
  using NewFunction = ggml_threadpool_t (*)(ggml_threadpool_params*);
  auto create = reinterpret_cast<NewFunction>(api().ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_new"));
  free_ = reinterpret_cast<FreeFunction>(api().ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_free"));
  if (create == nullptr || free_ == nullptr) return false;
  ggml_threadpool_params params = api().ggml_threadpool_params_default(threads);
  params.poll = poll;
  pool_ = create(&params);
  return pool_ != nullptr;
}

void CpuThreadpool::reset() {
  if (pool_ != nullptr && free_ != nullptr) free_(pool_);
  pool_ = nullptr;
}

}  // namespace switchyard
