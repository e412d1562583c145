import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: D1Migration[];
      TEST_SMTP_CONTROL: string;
      /** "1": the sink's STARTTLS relay is up with a certificate workerd trusts */
      TEST_SMTP_TLS: string;
    }
    interface GlobalProps {
      mainModule: typeof import("../worker/index");
    }
  }
}
