import createImageAnalysisClient from "@azure-rest/ai-vision-image-analysis";
import { AzureKeyCredential } from "@azure/core-auth";

const client = createImageAnalysisClient(endpoint, new AzureKeyCredential(key));

export async function describe(imageUrl: string) {
  const result = await client.path("/imageanalysis:analyze").post({
    body: { url: imageUrl },
    queryParameters: { features: ["Caption", "Read", "SmartCrops"], "smartCrops-aspect-ratios": [0.9, 1.33] },
    contentType: "application/json",
  });
  return result.body;
}
