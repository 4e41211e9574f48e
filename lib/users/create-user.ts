import { z } from "zod";
import { hashPassword } from "../auth/password";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblem } from "../auth/password-policy";
import type { PodiumPrisma } from "../db/open-database";
import { AppError } from "../errors/app-error";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "is not a valid e-mail address" }));

export const newUserSchema = z
  .object({
    email: emailSchema,
    password: z.string().min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`).max(MAX_PASSWORD_LENGTH, `must have at most ${MAX_PASSWORD_LENGTH} characters`),
    name: z.string().trim().max(100).optional(),
    isAdmin: z.boolean().optional(),
  })
  .superRefine((user, context) => {
    // Too short or too long is already said by the field's own check.
    if (user.password.length < MIN_PASSWORD_LENGTH || user.password.length > MAX_PASSWORD_LENGTH) return;
    // The address's own part and the name are the account's personal words; the domain is shared by everyone there.
    const problem = passwordProblem(user.password, [user.email.split("@")[0]!, user.name ?? ""]);
    if (problem) context.addIssue({ code: "custom", path: ["password"], message: problem });
  });

export type NewUser = z.infer<typeof newUserSchema>;

/** Creates a user with a hashed password; a taken e-mail is a CONFLICT naming the address. */
export async function createUser(prisma: PodiumPrisma, raw: NewUser) {
  // Every way in (sign-up, `podium admin create-user`, tests) meets the same password policy.
  const input = newUserSchema.parse(raw);
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
