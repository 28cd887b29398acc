import { createRouter } from "../../http/router";
import * as handlers from "./users.handlers";
import * as routes from "./users.routes";

export const usersRouter = createRouter()
  .openapi(routes.createUser, handlers.createUserHandler)
  .openapi(routes.listUsers, handlers.listUsersHandler)
  .openapi(routes.getUser, handlers.getUserHandler)
  .openapi(routes.updateUser, handlers.updateUserHandler)
  .openapi(routes.deleteUser, handlers.deleteUserHandler);
