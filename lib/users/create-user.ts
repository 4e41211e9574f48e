import { z } from "zod";
import { MIN_PASSWORD_LENGTH, hashPassword } from "../auth/password";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "is not a valid e-mail address" }));

export const newUserSchema = z.object({
  email: emailSchema,
  password: z.string().min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`).max(200, "must have at most 200 characters"),
  name: z.string().trim().max(100).optional(),
  isAdmin: z.boolean().optional(),
});

export type NewUser = z.infer<typeof newUserSchema>;

/** Creates a user with a hashed password; a taken e-mail is a CONFLICT naming the address. */
export async function createUser(prisma: PodiumPrisma, input: NewUser) {
  const passwordHash = await hashPassword(input.password);
  const existing = await prisma.user.findUnique({ where: { email: input.email } });
  if (existing) throw new AppError("CONFLICT", `an account for ${input.email} already exists`);
  return prisma.user.create({ data: { email: input.email, name: input.name || null, passwordHash, isAdmin: input.isAdmin ?? false } });
}

export async function findUserByEmailOrThrow(prisma: PodiumPrisma, email: string) {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) throw new AppError("NOT_FOUND", `no account for ${email}`);
  return user;
}
