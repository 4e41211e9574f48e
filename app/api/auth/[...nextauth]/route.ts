// GET|POST /api/auth/* — Auth.js sign-in, callback, session and sign-out endpoints.
import { handlers } from "@/server/auth";

export const { GET, POST } = handlers;
