#!/usr/bin/env node
import "../dist/create-chatkit-server.js";
