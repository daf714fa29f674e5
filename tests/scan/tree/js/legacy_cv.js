const { ComputerVisionClient } = require("@azure/cognitiveservices-computervision");

async function tags(client, url) {
  return client.analyzeImage(url, { visualFeatures: ["Tags", "Adult"] });
}
