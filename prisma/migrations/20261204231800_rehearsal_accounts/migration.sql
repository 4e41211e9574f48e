-- AlterTable
ALTER TABLE "users" ADD COLUMN     "rehearsal_competition_id" TEXT;

-- CreateIndex
CREATE INDEX "users_rehearsal_competition_id_idx" ON "users"("rehearsal_competition_id");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_rehearsal_competition_id_fkey" FOREIGN KEY ("rehearsal_competition_id") REFERENCES "competitions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
