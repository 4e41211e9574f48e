-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "announced_at" TIMESTAMP(3);
