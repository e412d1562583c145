// Comment timeline and light coding (issue 15): see README.md here.
export { commentApiRoutes } from "./routes";
export { commentPageRoutes } from "./pages";
