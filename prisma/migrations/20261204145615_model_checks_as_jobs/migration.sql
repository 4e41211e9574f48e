-- AlterEnum
ALTER TYPE "SubmissionStatus" ADD VALUE 'CHECKING';

-- AlterEnum
ALTER TYPE "JobKind" ADD VALUE 'CHECK_MODEL';
