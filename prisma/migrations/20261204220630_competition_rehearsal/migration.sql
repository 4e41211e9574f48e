-- AlterTable
ALTER TABLE "competitions" ADD COLUMN     "rehearsal" BOOLEAN NOT NULL DEFAULT false;
