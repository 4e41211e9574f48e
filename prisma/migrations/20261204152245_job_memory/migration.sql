-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "memory_bytes" BIGINT,
ADD COLUMN     "peak_memory_bytes" BIGINT;
