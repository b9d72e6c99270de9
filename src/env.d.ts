/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    model: import('../api/publish/model.ts').SiteModel;
  }
}
