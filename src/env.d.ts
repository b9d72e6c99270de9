/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    model: import('../api/publish/model.ts').SiteModel;
    /** Set on the subscription pages (src/pages/subscription.astro), rendered per request. */
    subscription?: import('../api/subscribers/schema.ts').SubscriptionView;
    /** Set on the desk pages (src/pages/admin/*.astro), rendered per request. */
    admin?: import('../api/desk/views.ts').AdminLocals;
  }
}
