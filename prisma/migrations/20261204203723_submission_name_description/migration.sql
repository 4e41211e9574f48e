-- AlterTable
ALTER TABLE "submissions" ADD COLUMN     "description" TEXT,
ADD COLUMN     "name" TEXT;
