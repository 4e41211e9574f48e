-- CreateEnum
CREATE TYPE "TeamAnalysisVisibility" AS ENUM ('OFF', 'AFTER_END', 'DURING');

-- AlterTable
ALTER TABLE "competitions" ADD COLUMN     "ladder_threshold" DOUBLE PRECISION,
ADD COLUMN     "team_analysis" "TeamAnalysisVisibility" NOT NULL DEFAULT 'AFTER_END';

-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "dry_run_ms_per_image" DOUBLE PRECISION,
ADD COLUMN     "failure_code" TEXT;

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "time_budget_seconds" INTEGER;

-- CreateTable
CREATE TABLE "rate_limits" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "expire" TIMESTAMP(3),

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);
